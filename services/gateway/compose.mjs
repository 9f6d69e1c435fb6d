#!/usr/bin/env node
// Compose the Slate supergraph from the subgraph SDL files the services export.
//
//   node compose.mjs            compose and write the supergraph (default .local/gateway/supergraph.graphql)
//   node compose.mjs --check    compose only; exit 1 with the composition errors if it fails
//   node compose.mjs --out FILE write the supergraph to FILE instead
//   node compose.mjs --subgraph NAME=SDL_FILE [--subgraph ...]
//                               compose these subgraphs instead of the four Slate services
//                               (the URL of NAME comes from SLATE_<NAME>_URL; used by tests)
//   SLATE_SUBGRAPHS=casting,scheduling  compose only these Slate services (bring-up; default: all four)
//
// Each Slate service exports its SDL to services/<name>/schema.graphql (what `_service { sdl }`
// returns). The routing URL of each subgraph comes from SLATE_<NAME>_URL, default
// http://127.0.0.1:<port>/graphql. Exit codes: 0 ok, 1 composition errors, 2 usage / missing file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(process.env.SLATE_REPO_ROOT ?? join(HERE, '..', '..'));

// The Slate subgraphs and their default ports (see DESIGN.md).
const SLATE_SUBGRAPHS = { casting: 4001, payroll: 4002, scheduling: 4003, legal: 4004 };

function usage(message) {
  if (message) console.error(`compose: ${message}`);
  console.error('usage: node compose.mjs [--check] [--out FILE] [--subgraph NAME=SDL_FILE ...]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { check: false, out: null, subgraphs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (arg.includes('=') && arg.startsWith('--')) return arg.slice(arg.indexOf('=') + 1);
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--check') opts.check = true;
    else if (arg === '-h' || arg === '--help') usage();
    else if (arg === '--out' || arg.startsWith('--out=')) opts.out = value();
    else if (arg === '--subgraph' || arg.startsWith('--subgraph=')) {
      const spec = value();
      const eq = spec.indexOf('=');
      if (eq <= 0) usage(`--subgraph expects NAME=SDL_FILE, got "${spec}"`);
      opts.subgraphs.push({ name: spec.slice(0, eq), file: spec.slice(eq + 1) });
    } else usage(`unknown argument "${arg}"`);
  }
  return opts;
}

function slateSubgraphNames() {
  const raw = process.env.SLATE_SUBGRAPHS;
  if (!raw) return Object.keys(SLATE_SUBGRAPHS);
  const names = raw.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in SLATE_SUBGRAPHS));
  if (unknown.length || !names.length) {
    usage(`SLATE_SUBGRAPHS: unknown subgraph(s) ${unknown.join(', ')}; known: ${Object.keys(SLATE_SUBGRAPHS).join(', ')}`);
  }
  return names;
}

function urlFor(name) {
  const envName = `SLATE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (name in SLATE_SUBGRAPHS) return `http://127.0.0.1:${SLATE_SUBGRAPHS[name]}/graphql`;
  usage(`no URL for subgraph "${name}": set ${envName}`);
}

function loadSubgraphs(opts) {
  const specs = opts.subgraphs.length
    ? opts.subgraphs.map(({ name, file }) => ({ name, file: isAbsolute(file) ? file : resolve(file) }))
    : slateSubgraphNames().map((name) => ({
        name,
        file: join(ROOT, 'services', name, 'schema.graphql'),
      }));
  const missing = specs.filter((s) => !existsSync(s.file));
  if (missing.length) {
    for (const s of missing) console.error(`compose: subgraph "${s.name}": SDL file not found: ${s.file}`);
    console.error('compose: export each service\'s schema first (services/<name>/schema.graphql)');
    process.exit(2);
  }
  return specs.map(({ name, file }) => {
    let typeDefs;
    try {
      // strawberry's SDL (with _entities/_service/_Any) is accepted as is by the composer.
      typeDefs = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`compose: subgraph "${name}": cannot parse ${file}: ${err.message}`);
      process.exit(1);
    }
    return { name, url: urlFor(name), typeDefs, file };
  });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const services = loadSubgraphs(opts);
  const result = composeServices(services.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })));
  const names = services.map((s) => `${s.name} (${s.url})`).join(', ');

  if (result.errors && result.errors.length) {
    console.error(`compose: supergraph composition FAILED with ${result.errors.length} error(s) for ${names}:`);
    for (const err of result.errors) {
      const code = err.extensions?.code ? `[${err.extensions.code}] ` : '';
      console.error(`  - ${code}${err.message}`);
    }
    process.exit(1);
  }
  if (opts.check) {
    console.log(`compose: OK, ${services.length} subgraphs compose: ${names}`);
    return;
  }
  const out = resolve(opts.out ?? process.env.SLATE_SUPERGRAPH ?? join(ROOT, '.local', 'gateway', 'supergraph.graphql'));
  mkdirSync(dirname(out), { recursive: true });
  // Write in place, and only when it changed: a running hive-gateway watches this file with
  // fs.watch and reloads on "change", but a "rename" (write-to-temp + rename) kills its watcher
  // for good, so later changes would be ignored until restart.
  if (existsSync(out) && readFileSync(out, 'utf8') === result.supergraphSdl) {
    console.log(`compose: ${out} unchanged (${names})`);
    return;
  }
  writeFileSync(out, result.supergraphSdl);
  console.log(`compose: wrote ${out} from ${names}`);
}

main();

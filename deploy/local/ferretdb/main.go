// Command slate-ferretdb runs FerretDB v1.24 (SQLite backend) for Slate's local stack.
//
// It wraps the embeddable package github.com/FerretDB/FerretDB/ferretdb instead of
// `go install .../cmd/ferretdb`, whose module zip lacks build/version/version.txt and panics at
// start (upstream issue #2982). The embeddable package never starts telemetry.
//
// deploy/local/infra.sh builds it against a copy of the FerretDB module with patches/*.patch
// applied (SQLite queries that use indexes; see patches/README.md), never from this directory
// directly.
//
// Flags (each also read from FERRETDB_<FLAG> with '-' → '_'):
//
//	--listen-addr  127.0.0.1:27017
//	--sqlite-url   file:/abs/dir/   (directory must exist; trailing slash)
//	--log-level    debug|info|warn|error
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv("FERRETDB_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); ok && v != "" {
		return v
	}
	return def
}

func main() {
	listen := flag.String("listen-addr", env("listen-addr", "127.0.0.1:27017"), "TCP listen address")
	sqliteURL := flag.String("sqlite-url", env("sqlite-url", "file:data/"), "SQLite directory URI (trailing slash)")
	logLevel := flag.String("log-level", env("log-level", "info"), "log level: debug, info, warn, error")
	version := flag.Bool("version", false, "print version and exit")
	flag.Parse()

	if *version {
		fmt.Println("slate-ferretdb (FerretDB v1.24.2 embedded, sqlite)")
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "bad --log-level %q: %s\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("FerretDB listening", "uri", f.MongoDBURI(), "sqlite", *sqliteURL)
	if err := f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped with error", "error", err)
		os.Exit(1)
	}
	logger.Info("FerretDB stopped")
}

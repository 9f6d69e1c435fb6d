import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadConfig().then((config) =>
  root.render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  ),
);

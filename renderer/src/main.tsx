import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { errorMessage } from './ui/errorMessage.ts';
import { connectCore } from './host/connectCore.ts';
import { HostContext } from './host/HostContext.tsx';
import { Notifier, NotifierContext, Toasts } from './notify/Notifier.tsx';
import { SettingsStore } from './settings/Settings.ts';
import { SettingsContext } from './settings/SettingsContext.tsx';

// The one place things are made and wired: the link to the core, settings, notices.
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');
const root = createRoot(container);
const notifier = new Notifier();
const settings = new SettingsStore(window.localStorage);

connectCore().then(
  (host) => {
    host.onLost((reason) => notifier.error('Disconnected from the app core', reason));
    root.render(
      <StrictMode>
        <HostContext.Provider value={host}>
          <SettingsContext.Provider value={settings}>
            <NotifierContext.Provider value={notifier}>
              <App />
              <Toasts notifier={notifier} />
            </NotifierContext.Provider>
          </SettingsContext.Provider>
        </HostContext.Provider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(
      <main className="first-run">
        <div className="first-run-card" role="alert">
          <h1 className="brand">Enscale SSH</h1>
          <p>{errorMessage(error)}</p>
        </div>
      </main>,
    );
  },
);

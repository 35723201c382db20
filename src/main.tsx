import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { LabContext } from './ui/lab-context';
import { Lab } from './state/lab';
import { installLabApi } from './state/lab-api';
import { syncViewWithUrl } from './state/url-sync';
import './ui/styles.css';

const lab = new Lab();
installLabApi(lab);
syncViewWithUrl(lab);
lab.start();
void lab.openSession(
  new URLSearchParams(location.search).get('sample') !== 'none',
  import.meta.env.BASE_URL,
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LabContext.Provider value={lab}>
      <App />
    </LabContext.Provider>
  </StrictMode>,
);

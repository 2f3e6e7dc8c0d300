import { render } from 'preact';
import { App } from './app';
import './styles/app.css';
import './styles/inbox.css';
import './styles/settings.css';

render(<App />, document.getElementById('app')!);

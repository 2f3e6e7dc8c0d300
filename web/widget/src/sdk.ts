// The Hudhud Web Chat loader. A host page embeds the widget with one tag:
//
//   <script src="https://hudhud.example/widget/sdk.js" data-website-token="TOKEN" async></script>
//
// Optional attributes: data-locale="ar" (else the inbox's language), data-base-url (else the
// script's own origin). It draws a launcher button (in a shadow root, so the page's CSS cannot
// touch it) and the chat iframe served by hudhud, and exposes window.Hudhud:
//   Hudhud.open() / close() / toggle()
//   Hudhud.setUser(identifier, {identifier_hash, name, email, phone})
//   Hudhud.setLocale('ar' | 'en'), Hudhud.reset() (on logout)
// Page events: 'hudhud:ready', 'hudhud:on-message' (detail = the message), 'hudhud:error'.
// This file must stay dependency-free at run time: it is loaded as a classic script.
import type { FrameToHost, HostToFrame, Unsourced, UserInfo } from './protocol';

type Outgoing = Unsourced<HostToFrame>;

interface HudhudApi {
  __loaded: true;
  open(): void;
  close(): void;
  toggle(): void;
  setUser(identifier: string, user?: UserInfo): void;
  setLocale(locale: string): void;
  reset(): void;
  isOpen(): boolean;
}

(() => {
  const SOURCE = 'hudhud-widget';
  const w = window as unknown as { Hudhud?: HudhudApi };
  if (w.Hudhud?.__loaded) return;

  const script = document.currentScript as HTMLScriptElement | null;
  const token = script?.dataset.websiteToken ?? '';
  if (!script || !token) {
    console.error('Hudhud: the widget script needs data-website-token');
    return;
  }
  const base = (script.dataset.baseUrl || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const frameOrigin = new URL(base).origin;
  const params = new URLSearchParams({ website_token: token, host_origin: location.origin });
  if (script.dataset.locale) params.set('locale', script.dataset.locale);

  const host = document.createElement('div');
  host.id = 'hudhud-widget';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher {
        position: fixed; bottom: 20px; inset-inline-end: 20px; z-index: 2147483000;
        width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
        background: var(--hh-color, #1f93ff); color: #fff; box-shadow: 0 4px 16px rgba(0,0,0,.25);
        display: flex; align-items: center; justify-content: center; padding: 0;
      }
      .launcher:focus-visible { outline: 3px solid #000; outline-offset: 2px; }
      .launcher svg { width: 28px; height: 28px; fill: currentColor; }
      .badge {
        position: absolute; top: -4px; inset-inline-end: -4px; min-width: 20px; height: 20px;
        border-radius: 10px; background: #e5484d; color: #fff; font: 600 12px/20px system-ui, sans-serif;
        text-align: center; padding: 0 5px; box-sizing: border-box;
      }
      .badge[hidden] { display: none; }
      .panel {
        position: fixed; bottom: 88px; inset-inline-end: 20px; z-index: 2147483000;
        width: 380px; height: min(640px, calc(100vh - 110px)); border: none; border-radius: 14px;
        box-shadow: 0 8px 32px rgba(0,0,0,.22); background: #fff; overflow: hidden;
        visibility: hidden; opacity: 0; transform: translateY(12px);
        transition: opacity .16s ease, transform .16s ease, visibility 0s linear .16s;
      }
      .panel.open { visibility: visible; opacity: 1; transform: none; transition-delay: 0s; }
      .panel iframe { width: 100%; height: 100%; border: 0; display: block; }
      @media (max-width: 520px) {
        .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; bottom: 0; }
        .panel.open ~ .launcher { display: none; }
      }
    </style>
    <div class="panel" part="panel"><iframe title="Hudhud chat" allow="clipboard-write"></iframe></div>
    <button class="launcher" type="button" aria-expanded="false" aria-label="Open chat">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3C6.5 3 2 6.9 2 11.7c0 2.4 1.1 4.6 3 6.2L4.3 21.5l4.2-2.1c1.1.3 2.3.5 3.5.5 5.5 0 10-3.9 10-8.7S17.5 3 12 3z"/></svg>
      <span class="badge" hidden>0</span>
    </button>`;
  const panel = root.querySelector('.panel') as HTMLDivElement;
  const frame = root.querySelector('iframe') as HTMLIFrameElement;
  const launcher = root.querySelector('.launcher') as HTMLButtonElement;
  const badge = root.querySelector('.badge') as HTMLSpanElement;

  let ready = false;
  let isOpen = false;
  let openLabel = 'Open chat';
  const queue: Outgoing[] = [];

  const post = (msg: Outgoing) => {
    if (!ready || !frame.contentWindow) {
      queue.push(msg);
      return;
    }
    frame.contentWindow.postMessage({ source: SOURCE, ...msg }, frameOrigin);
  };

  const setOpen = (open: boolean) => {
    isOpen = open;
    panel.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? 'Close chat' : openLabel);
    if (open) {
      badge.hidden = true;
      post({ type: 'opened' });
    }
  };

  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== frame.contentWindow || event.origin !== frameOrigin) return;
    const data = event.data as FrameToHost;
    if (typeof data !== 'object' || data === null || data.source !== SOURCE) return;
    switch (data.type) {
      case 'ready':
        ready = true;
        for (const m of queue.splice(0)) post(m);
        window.dispatchEvent(new CustomEvent('hudhud:ready'));
        break;
      case 'close':
        setOpen(false);
        launcher.focus();
        break;
      case 'config':
        host.style.setProperty('--hh-color', data.color);
        launcher.style.setProperty('--hh-color', data.color);
        host.dir = data.dir;
        openLabel = data.label;
        if (!isOpen) launcher.setAttribute('aria-label', openLabel);
        break;
      case 'unread':
        if (!isOpen && data.count > 0) {
          badge.textContent = String(data.count);
          badge.hidden = false;
        }
        break;
      case 'message':
        window.dispatchEvent(new CustomEvent('hudhud:on-message', { detail: data.data }));
        break;
      case 'error':
        window.dispatchEvent(new CustomEvent('hudhud:error', { detail: data.message }));
        break;
    }
  });

  launcher.addEventListener('click', () => setOpen(!isOpen));
  frame.src = `${base}/widget/frame?${params.toString()}`;
  const attach = () => document.body.appendChild(host);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach);

  w.Hudhud = {
    __loaded: true,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    setUser: (identifier: string, user: UserInfo = {}) => post({ type: 'setUser', identifier, user }),
    setLocale: (locale: string) => post({ type: 'setLocale', locale }),
    reset: () => post({ type: 'reset' }),
    isOpen: () => isOpen,
  };
})();

// The chat UI inside the widget iframe (served by hudhud at /widget/frame). Talks to the widget
// API over HTTP (same origin), receives agent replies and typing over the visitors' WebSocket,
// and to the host page only through postMessage with the page origin it was given (which the
// server also checked against the inbox's allowed_domains).
import { ApiError, WidgetApi, type Visitor, type WidgetAttachment, type WidgetConfig, type WidgetMessage } from './api';
import { acceptAttribute, checkFile, isInlineImage, type FileProblem } from './files';
import { formatBytes, normalizeLocale, stringsFor, type Locale, type Strings } from './i18n';
import { SOURCE, isProtocolMessage, type FrameToHost, type HostToFrame, type Unsourced } from './protocol';

const params = new URLSearchParams(location.search);
const websiteToken = params.get('website_token') ?? '';
const hostOrigin = params.get('host_origin') ?? '';
const api = new WidgetApi(websiteToken);

interface Bubble {
  key: string; // "m<id>" once stored, "e<echo_id>" while pending
  message: Partial<WidgetMessage> & { content: string; direction: 'incoming' | 'outgoing' };
  state: 'sent' | 'sending' | 'failed';
  file?: File; // a file being sent (kept to retry)
  localUrl?: string; // its preview, before the server has it
}

const state = {
  config: null as WidgetConfig | null,
  visitor: null as Visitor | null,
  locale: 'en' as Locale,
  t: stringsFor('en') as Strings,
  bubbles: [] as Bubble[],
  agentTyping: false,
  agentsOnline: true,
  offlineAsked: false,
  offlineSaved: false,
  prechatDone: false,
  unread: 0,
  open: false,
  fileError: '',
};

// Files are fetched with the visitor token and shown from object URLs (an <img> or a download
// link cannot send the token header, and a token in a URL would leak). id -> object URL.
const fileUrls = new Map<number, string>();
const fileLoads = new Map<number, Promise<string>>();

function fileUrl(id: number): Promise<string> {
  const known = fileUrls.get(id);
  if (known) return Promise.resolve(known);
  let load = fileLoads.get(id);
  if (!load) {
    load = api.file(id).then((blob) => {
      const url = URL.createObjectURL(blob);
      fileUrls.set(id, url);
      return url;
    });
    load.catch(() => fileLoads.delete(id));
    fileLoads.set(id, load);
  }
  return load;
}

let socket: WebSocket | null = null;
let socketAttempts = 0;
let typingTimer: number | undefined;
let agentTypingTimer: number | undefined;
let lastTypingSent = 0;

const app = document.getElementById('app') as HTMLDivElement;

function toHost(msg: Unsourced<FrameToHost>) {
  if (!hostOrigin || window.parent === window) return;
  window.parent.postMessage({ source: SOURCE, ...msg }, hostOrigin);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

function newEchoId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function applyLocale(locale: Locale) {
  state.locale = locale;
  state.t = stringsFor(locale);
  document.documentElement.lang = locale;
  document.documentElement.dir = locale === 'ar' ? 'rtl' : 'ltr';
  if (state.config) {
    toHost({ type: 'config', color: state.config.widget_color, dir: locale === 'ar' ? 'rtl' : 'ltr', label: state.t.open });
  }
}

// ---- messages ----

function upsert(m: WidgetMessage) {
  const byId = state.bubbles.findIndex((b) => b.message.id === m.id);
  const byEcho = m.echo_id ? state.bubbles.findIndex((b) => b.key === `e${m.echo_id}`) : -1;
  const bubble: Bubble = { key: `m${m.id}`, message: m, state: 'sent' };
  if (byId >= 0) state.bubbles[byId] = bubble;
  else if (byEcho >= 0) state.bubbles[byEcho] = bubble;
  else {
    state.bubbles.push(bubble);
    if (m.direction === 'outgoing') {
      state.agentTyping = false;
      if (!state.open || document.hidden) {
        state.unread += 1;
        toHost({ type: 'unread', count: state.unread });
      }
      toHost({ type: 'message', data: m });
    }
  }
  state.bubbles.sort((a, b) => (a.message.id ?? Number.MAX_SAFE_INTEGER) - (b.message.id ?? Number.MAX_SAFE_INTEGER));
}

async function loadHistory() {
  const r = await api.call<{ data: WidgetMessage[]; visitor: Visitor; agents_online: boolean }>('GET', '/messages');
  const pending = state.bubbles.filter((b) => b.state !== 'sent');
  state.bubbles = [];
  for (const m of r.data) upsert(m);
  state.bubbles.push(...pending);
  state.visitor = r.visitor;
  state.agentsOnline = r.agents_online;
  if (r.data.length > 0 || r.visitor.email) state.prechatDone = true;
}

function kindOf(mime: string): string {
  if (isInlineImage(mime)) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'document';
}

function fileProblemText(problem: FileProblem): string {
  const t = state.t;
  if (problem === 'fileTooLarge') return t.fileTooLarge.replace('{size}', formatBytes(state.config?.max_attachment_bytes ?? 0, state.locale));
  return t[problem];
}

// A file as a message of its own: checked here first (size, type), then uploaded; the bubble
// shows it at once (images from the local file) and is replaced by the stored message.
async function sendFile(file: File, echoId = newEchoId()) {
  const problem = checkFile(state.config!, file);
  if (problem) {
    state.fileError = fileProblemText(problem);
    render();
    return;
  }
  state.fileError = '';
  const key = `e${echoId}`;
  let bubble = state.bubbles.find((b) => b.key === key);
  if (bubble) bubble.state = 'sending';
  else {
    const pending: WidgetAttachment = { id: 0, kind: kindOf(file.type), mime_type: file.type, file_name: file.name, size_bytes: file.size };
    bubble = {
      key,
      message: { content: '', direction: 'incoming', echo_id: echoId, attachments: [pending] },
      state: 'sending',
      file,
      localUrl: isInlineImage(file.type) ? URL.createObjectURL(file) : undefined,
    };
    state.bubbles.push(bubble);
  }
  const localUrl = bubble.localUrl;
  render();
  try {
    const r = await api.upload(file, file.name, echoId);
    // The bytes are here already: no need to download them back.
    const stored = r.message.attachments?.[0];
    if (localUrl && stored && !fileUrls.has(stored.id)) fileUrls.set(stored.id, localUrl);
    upsert(r.message);
    state.agentsOnline = r.agents_online;
    if (!r.agents_online && !state.visitor?.email) state.offlineAsked = true;
  } catch (err) {
    const refused = err instanceof ApiError && [403, 413, 415].includes(err.status);
    if (refused) {
      // Retrying cannot help: drop the bubble and say why.
      state.bubbles = state.bubbles.filter((b) => b.key !== key);
      const e = err as ApiError;
      state.fileError = fileProblemText(e.status === 413 ? 'fileTooLarge' : e.status === 415 ? 'fileType' : 'filesOff');
    } else {
      const b = state.bubbles.find((x) => x.key === key);
      if (b) b.state = 'failed';
      if (err instanceof ApiError && err.status === 429) toHost({ type: 'error', message: err.message });
    }
  }
  render();
}

async function send(content: string, echoId = newEchoId()) {
  state.fileError = '';
  const key = `e${echoId}`;
  const existing = state.bubbles.find((b) => b.key === key);
  if (existing) existing.state = 'sending';
  else state.bubbles.push({ key, message: { content, direction: 'incoming', echo_id: echoId }, state: 'sending' });
  renderMessages();
  try {
    const r = await api.call<{ message: WidgetMessage; agents_online: boolean }>('POST', '/messages', {
      content,
      echo_id: echoId,
      referer: document.referrer || undefined,
    });
    upsert(r.message);
    state.agentsOnline = r.agents_online;
    if (!r.agents_online && !state.visitor?.email) state.offlineAsked = true;
  } catch (err) {
    const b = state.bubbles.find((x) => x.key === key);
    if (b) b.state = 'failed';
    if (err instanceof ApiError && err.status === 429) toHost({ type: 'error', message: err.message });
  }
  render();
}

// ---- real time ----

function connect() {
  const token = api.visitorToken;
  if (!token) return;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${location.host}/widget/v1/ws?website_token=${encodeURIComponent(websiteToken)}&token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    const reconnect = socketAttempts > 0;
    socketAttempts = 0;
    app.dataset.connected = 'true';
    // Catch up on whatever arrived while the socket was down.
    if (reconnect) void loadHistory().then(render).catch(() => {});
  };
  ws.onmessage = (ev) => {
    let msg: { type?: string; data?: WidgetMessage; on?: boolean };
    try {
      msg = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if ((msg.type === 'message.created' || msg.type === 'message.updated') && msg.data) {
      upsert(msg.data);
      render();
    } else if (msg.type === 'typing') {
      state.agentTyping = Boolean(msg.on);
      window.clearTimeout(agentTypingTimer);
      // An indicator clears itself after 30 s, as the typing_off may never come.
      if (state.agentTyping) agentTypingTimer = window.setTimeout(() => ((state.agentTyping = false), renderMessages()), 30_000);
      renderMessages();
    }
  };
  ws.onclose = () => {
    app.dataset.connected = 'false';
    if (socket !== ws) return;
    socket = null;
    socketAttempts += 1;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(socketAttempts, 6)) * (0.5 + Math.random() / 2);
    window.setTimeout(() => {
      // The token may have expired: any authenticated call refreshes it first.
      void api.call('GET', '/messages').catch(() => {}).finally(connect);
    }, delay);
  };
}

function reconnectSocket() {
  const old = socket;
  socket = null;
  old?.close();
  socketAttempts = 1;
  connect();
}

function sendTyping(on: boolean) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'typing', on }));
}

// ---- rendering ----

function header(): HTMLElement {
  const c = state.config!;
  const t = state.t;
  const tagline = c.welcome_tagline || t[`reply_${c.reply_time}` as const] || t.reply_in_a_few_minutes;
  const close = el('button', { class: 'close', type: 'button', 'aria-label': t.close }, '×');
  close.addEventListener('click', () => toHost({ type: 'close' }));
  return el(
    'header',
    { class: 'header' },
    el('div', { class: 'titles' }, el('h1', {}, c.welcome_title || c.inbox_name || t.title), el('p', {}, tagline)),
    close,
  );
}

// An image inline, any other file as a download link with its name and size.
function attachmentView(a: WidgetAttachment, localUrl?: string): HTMLElement {
  const t = state.t;
  if (isInlineImage(a.mime_type)) {
    const img = el('img', { class: 'attachment-image', alt: a.file_name || t.image });
    const known = localUrl ?? (a.id ? fileUrls.get(a.id) : undefined);
    if (known) img.src = known;
    else if (a.id) {
      void fileUrl(a.id)
        .then((url) => (img.src = url))
        .catch(() => img.classList.add('broken'));
    }
    return el('span', { class: 'attachment', 'data-attachment-id': String(a.id) }, img);
  }
  const label = t.download.replace('{name}', a.file_name);
  const link = el(
    'a',
    { class: 'attachment-file', href: '#', download: a.file_name, title: label, 'data-attachment-id': String(a.id) },
    paperclipIcon(),
    el('span', { class: 'file-name', dir: 'auto' }, a.file_name),
    el('span', { class: 'file-size' }, formatBytes(a.size_bytes, state.locale)),
  );
  const known = a.id ? fileUrls.get(a.id) : undefined;
  if (known) link.href = known;
  link.addEventListener('click', (ev) => {
    if (link.getAttribute('href') !== '#') return; // an object URL: the browser downloads it
    ev.preventDefault();
    if (!a.id) return;
    void fileUrl(a.id).then((url) => {
      link.href = url;
      link.click();
    });
  });
  return el('span', { class: 'attachment' }, link);
}

function paperclipIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M21.4 11.1 12.2 20.3a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

function messageList(): HTMLElement {
  const t = state.t;
  const list = el('ol', { class: 'messages', 'aria-label': t.messages });
  for (const b of state.bubbles) {
    const mine = b.message.direction === 'incoming';
    const attachments = b.message.attachments ?? [];
    const li = el(
      'li',
      {
        class: `bubble ${mine ? 'mine' : 'theirs'} ${b.state}${attachments.length ? ' has-attachment' : ''}`,
        'data-direction': b.message.direction,
        ...(b.message.echo_id ? { 'data-echo-id': b.message.echo_id } : {}),
      },
      el('span', { class: 'sr-only' }, `${mine ? t.you : t.agent}: `),
    );
    for (const a of attachments) li.append(attachmentView(a, b.localUrl));
    if (b.message.content || attachments.length === 0) li.append(el('span', { class: 'text', dir: 'auto' }, b.message.content));
    if (b.state === 'sending') li.append(el('span', { class: 'meta' }, t.sending));
    if (b.state === 'failed') {
      const retry = el('button', { type: 'button', class: 'retry' }, t.failed);
      retry.addEventListener('click', () =>
        void (b.file ? sendFile(b.file, b.message.echo_id ?? undefined) : send(b.message.content, b.message.echo_id ?? undefined)),
      );
      li.append(retry);
    }
    list.append(li);
  }
  if (state.agentTyping) list.append(el('li', { class: 'typing', role: 'status' }, t.typing));
  return list;
}

function offlineCard(): HTMLElement | null {
  const t = state.t;
  if (state.offlineSaved && state.visitor?.email) {
    return el('div', { class: 'notice', role: 'status' }, t.saved.replace('{email}', state.visitor.email));
  }
  if (!state.offlineAsked || state.visitor?.email) return null;
  const form = el('form', { class: 'notice offline', novalidate: '' });
  const input = el('input', { type: 'email', name: 'email', autocomplete: 'email', required: '', id: 'offline-email' });
  const error = el('p', { class: 'error', role: 'alert' });
  form.append(
    el('p', {}, state.config?.offline_message || t.offline),
    el('label', { for: 'offline-email' }, t.email),
    input,
    error,
    el('button', { type: 'submit' }, t.save),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const email = input.value.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      error.textContent = t.invalidEmail;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    void saveDetails({ email }).then(() => {
      state.offlineSaved = true;
      render();
    });
  });
  return form;
}

async function saveDetails(details: { name?: string; email?: string; phone?: string; consent?: boolean }) {
  const r = await api.call<{ visitor: Visitor }>('PATCH', '/visitor', {
    ...details,
    consent: details.consent ?? (state.config?.consent_text ? true : undefined),
  });
  state.visitor = r.visitor;
}

function prechatForm(): HTMLElement {
  const c = state.config!;
  const t = state.t;
  const form = el('form', { class: 'prechat', novalidate: '' });
  form.append(el('p', {}, c.pre_chat_message || t.prechat));
  const inputs: Record<string, HTMLInputElement> = {};
  for (const f of c.pre_chat_fields) {
    const id = `prechat-${f.name}`;
    const input = el('input', {
      id,
      name: f.name,
      type: f.name === 'email' ? 'email' : f.name === 'phone' ? 'tel' : 'text',
      autocomplete: f.name === 'phone' ? 'tel' : f.name,
      ...(f.required ? { required: '' } : {}),
    });
    inputs[f.name] = input;
    form.append(el('label', { for: id }, t[f.name]), input);
  }
  let consent: HTMLInputElement | null = null;
  if (c.consent_text) {
    consent = el('input', { type: 'checkbox', id: 'prechat-consent', name: 'consent', required: '' });
    form.append(el('label', { class: 'consent', for: 'prechat-consent' }, consent, ' ', c.consent_text));
  }
  const error = el('p', { class: 'error', role: 'alert' });
  form.append(error, el('button', { type: 'submit' }, t.start));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const f of c.pre_chat_fields) {
      const v = inputs[f.name].value.trim();
      if (f.required && !v) {
        error.textContent = `${t[f.name]}: ${t.required}`;
        inputs[f.name].focus();
        return;
      }
      if (f.name === 'email' && v && !/^[^\s@]+@[^\s@]+$/.test(v)) {
        error.textContent = t.invalidEmail;
        inputs[f.name].focus();
        return;
      }
    }
    if (consent && !consent.checked) {
      error.textContent = t.consentRequired;
      return;
    }
    const details: Record<string, string | boolean> = {};
    for (const [k, input] of Object.entries(inputs)) if (input.value.trim()) details[k] = input.value.trim();
    if (consent) details.consent = true;
    void saveDetails(details)
      .then(() => {
        state.prechatDone = true;
        render();
        document.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
      })
      .catch((err: Error) => (error.textContent = err.message));
  });
  return form;
}

function composer(): HTMLElement {
  const t = state.t;
  const form = el('form', { class: 'composer' });
  const area = el('textarea', { rows: '1', placeholder: t.placeholder, 'aria-label': t.placeholder, dir: 'auto', maxlength: '5000' });
  const button = el('button', { type: 'submit', class: 'send', 'aria-label': t.send }, t.send);
  if (state.config?.attachments_enabled) {
    const input = el('input', { type: 'file', class: 'file-input', accept: acceptAttribute(state.config), tabindex: '-1', 'aria-hidden': 'true' });
    const attach = el('button', { type: 'button', class: 'attach', 'aria-label': t.attach, title: t.attach }, paperclipIcon());
    attach.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file) void sendFile(file);
    });
    form.append(input, attach);
  }
  form.append(area, button);
  const submit = () => {
    const content = area.value.trim();
    if (!content) return;
    area.value = '';
    window.clearTimeout(typingTimer);
    sendTyping(false);
    lastTypingSent = 0;
    void send(content);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  area.addEventListener('input', () => {
    const now = Date.now();
    if (now - lastTypingSent > 3000) {
      sendTyping(true);
      lastTypingSent = now;
    }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => {
      sendTyping(false);
      lastTypingSent = 0;
    }, 4000);
  });
  return form;
}

function renderMessages() {
  const body = app.querySelector('.body');
  if (!body) return render();
  const list = messageList();
  body.querySelector('.messages')?.replaceWith(list);
  const card = offlineCard();
  body.querySelector('.notice')?.remove();
  if (card) body.append(card);
  body.scrollTop = body.scrollHeight;
}

function render() {
  if (!state.config) return;
  const showPrechat = state.config.pre_chat_form_enabled && !state.prechatDone;
  const body = el('main', { class: 'body' });
  if (showPrechat) body.append(prechatForm());
  else {
    body.append(messageList());
    const card = offlineCard();
    if (card) body.append(card);
  }
  const hadFocus = document.activeElement instanceof HTMLTextAreaElement;
  const draft = app.querySelector<HTMLTextAreaElement>('.composer textarea')?.value ?? '';
  app.replaceChildren(header(), body);
  if (!showPrechat) {
    if (state.fileError) app.append(el('p', { class: 'error file-error', role: 'alert' }, state.fileError));
    const c = composer();
    app.append(c);
    const area = c.querySelector('textarea')!;
    area.value = draft;
    if (hadFocus) area.focus();
  }
  app.style.setProperty('--hh-color', state.config.widget_color);
  body.scrollTop = body.scrollHeight;
}

// ---- host page ----

async function onHostMessage(msg: HostToFrame) {
  switch (msg.type) {
    case 'opened':
      state.open = true;
      state.unread = 0;
      document.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
      break;
    case 'setLocale': {
      const l = normalizeLocale(msg.locale);
      if (l) {
        applyLocale(l);
        render();
      }
      break;
    }
    case 'setUser':
      try {
        const r = await api.call<{ visitor: Visitor }>('POST', '/identify', { identifier: msg.identifier, ...msg.user });
        state.visitor = r.visitor;
        // A verified identity may bring its history (from other devices) and a new route.
        await loadHistory();
        if (state.visitor?.email) state.prechatDone = true;
        reconnectSocket();
        render();
      } catch (err) {
        toHost({ type: 'error', message: (err as Error).message });
      }
      break;
    case 'reset':
      await api.resetSession(hostOrigin, state.locale);
      state.bubbles = [];
      state.visitor = null;
      state.prechatDone = false;
      state.offlineAsked = false;
      state.offlineSaved = false;
      reconnectSocket();
      render();
      break;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window.parent || event.origin !== hostOrigin) return;
  if (!isProtocolMessage(event.data)) return;
  void onHostMessage(event.data as HostToFrame);
});

async function main() {
  app.textContent = stringsFor('en').connecting;
  try {
    state.config = await api.config();
    applyLocale(normalizeLocale(params.get('locale')) ?? state.config.locale);
    state.agentsOnline = state.config.agents_online;
    await api.ensureSession(hostOrigin, state.locale);
    await loadHistory();
    if (!state.config.pre_chat_form_enabled) state.prechatDone = true;
    render();
    connect();
    app.dataset.ready = 'true';
    toHost({ type: 'ready' });
  } catch (err) {
    applyLocale(normalizeLocale(params.get('locale')) ?? 'en');
    app.replaceChildren(el('p', { class: 'unavailable', role: 'alert' }, state.t.unavailable));
    toHost({ type: 'error', message: (err as Error).message });
  }
}

void main();

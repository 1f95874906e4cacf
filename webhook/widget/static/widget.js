/*
 * madoguchi chat widget: 電子証明書の更新について相談できるチャット。
 *
 * Embed with one tag (the script finds the API on its own origin):
 *   <script src="https://…/widget.js" data-municipality="nerima" async></script>
 *
 * Plain JavaScript, no build step. Everything lives in a Shadow DOM; every
 * piece of text (the resident's and the knowledge base's) is set with
 * textContent, never parsed as HTML. Styles go through a constructable
 * stylesheet (allowed under a strict CSP), with a <style> fallback for old
 * browsers. Speaks POST /api/v1/chat as docs/contract.md describes.
 */
(function () {
  'use strict';

  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-municipality]');
  if (!script) { return; }
  var municipality = script.getAttribute('data-municipality') || '';
  if (!/^[a-z0-9_-]{1,40}$/.test(municipality)) {
    console.warn('madoguchi: data-municipality is missing or invalid');
    return;
  }
  var registry = window.__madoguchiWidgets = window.__madoguchiWidgets || {};
  if (registry[municipality]) { return; } // the tag was included twice
  registry[municipality] = true;

  // The commands (postback and the id of their word), declared once in Go
  // (bot.Commands) and written in here by the server that serves this file.
  var commands = /*commands*/{}/*end*/;
  // The words residents read, from the knowledge (its texts, by id): the
  // national Japanese ones are written in here by the server; the
  // municipality's own, in the page's language, come from
  // GET /api/v1/texts before the widget is drawn.
  var texts = /*texts*/{}/*end*/;
  // The language residents read: the tag's data-lang, else the page's
  // <html lang> when it is not Japanese (en…, ja-x-easy), else Japanese. One the page names is
  // sent with every turn (the conversation is in it); without one the
  // server answers in Japanese, or in English to an English first text.
  var pageLang = langOf(document.documentElement.getAttribute('lang'));
  var askedLang = langOf(script.getAttribute('data-lang')) || (pageLang === 'ja' ? '' : pageLang);
  var lang = askedLang || 'ja';
  function langOf(tag) {
    tag = (tag || '').toLowerCase();
    if (tag === 'ja-x-easy' || tag === 'easy') { return 'ja-x-easy'; }
    if (tag === 'en' || tag.indexOf('en-') === 0) { return 'en'; }
    if (tag === 'ja' || tag.indexOf('ja-') === 0) { return 'ja'; }
    return '';
  }
  // tx returns the text id with each {name} of vars filled in.
  function tx(id, vars) {
    var s = Object.prototype.hasOwnProperty.call(texts, id) ? texts[id] : '{' + id + '}';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }

  var origin = new URL(script.src, location.href).origin;
  var apiURL = origin + '/api/v1/chat';
  var customTitle = script.getAttribute('data-title');
  var storePrefix = 'madoguchi.v1.' + municipality + '.';
  var maxEntries = 200;
  // What is kept in localStorage, and for how long: the session id and the
  // bot's side of the conversation (its messages, the checklist and its
  // ticks, the choices offered), never a word the resident typed or chose
  // (a PIN typed by mistake must not stay on a shared PC in a library or an
  // office). Both are forgotten maxAge after the last turn, or at once with
  // 「この会話を消す」.
  var maxAge = 2 * 60 * 60 * 1000;

  // ---- storage (localStorage may be unavailable: private modes, policies)
  function load(key) {
    try { return window.localStorage.getItem(storePrefix + key); } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(storePrefix + key); } else { window.localStorage.setItem(storePrefix + key, value); }
    } catch (e) { /* storage full or blocked: the conversation still works */ }
  }

  var idChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  function newSessionID() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    var s = '';
    for (var i = 0; i < bytes.length; i++) { s += idChars.charAt(bytes[i] & 63); }
    return s;
  }
  // state.entries: {from: 'user'|'bot', type: 'text'|'checklist', text, checklist, checked}
  var state = { entries: [], quick: [], asking: '' };
  (function restore() {
    var raw = load('history');
    if (!raw) { return; }
    try {
      var s = JSON.parse(raw);
      if (!s || typeof s.saved !== 'number' || !(Date.now() - s.saved < maxAge)) {
        forget(); // expired, or written by an older widget that kept typed text
        return;
      }
      if (Array.isArray(s.entries)) {
        state.entries = s.entries.filter(function (e) {
          return e && e.from === 'bot' &&
            ((e.type === 'text' && typeof e.text === 'string') ||
             (e.type === 'checklist' && e.checklist && e.checklist.view && typeof e.checklist.view === 'object'));
        });
        state.quick = Array.isArray(s.quick) ? s.quick.filter(validQuick) : [];
        state.asking = typeof s.asking === 'string' ? s.asking : '';
      }
    } catch (e) { forget(); }
  })();
  var sessionID = load('session');
  if (!sessionID || !/^[A-Za-z0-9_-]{8,128}$/.test(sessionID)) {
    sessionID = newSessionID();
    save('session', sessionID);
  }
  function validQuick(q) { return q && typeof q.label === 'string' && typeof q.postback === 'string'; }
  // persist keeps the bot's side only: the resident's entries stay in the
  // page (state.entries) and are never written.
  function persist() {
    if (state.entries.length > maxEntries) { state.entries = state.entries.slice(-maxEntries); }
    var kept = state.entries.filter(function (e) { return e.from === 'bot'; });
    save('history', JSON.stringify({ saved: Date.now(), entries: kept, quick: state.quick, asking: state.asking }));
    save('session', sessionID);
  }
  // forget removes everything the widget keeps in this browser.
  function forget() {
    save('history', null);
    save('session', null);
  }

  // ---- DOM helpers: text only
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }
  // telLink is a link that dials digits, labelled as the view labels it.
  function telLink(digits, label) {
    var a = el('a', 'tel', label);
    a.setAttribute('href', 'tel:' + String(digits).replace(/[^0-9+]/g, ''));
    return a;
  }

  // ---- styles
  function sheetFor(root, css) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = (root.adoptedStyleSheets || []).concat([sheet]);
      return function () {
        root.adoptedStyleSheets = root.adoptedStyleSheets.filter(function (s) { return s !== sheet; });
      };
    } catch (e) {
      var style = el('style', null, css); // old browsers; needs style-src allowing it
      (root === document ? document.head : root).appendChild(style);
      return function () { style.remove(); };
    }
  }

  var CSS = [
    ':host{all:initial}',
    '*,*::before,*::after{box-sizing:border-box}',
    '.root{font-family:"Hiragino Kaku Gothic ProN","Hiragino Sans","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif;font-size:16px;line-height:1.6;color:#1a1a1a}',
    'button,textarea,input{font:inherit}',
    ':focus-visible{outline:3px solid #b34d00;outline-offset:2px}',
    '.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;padding:12px 20px;border:2px solid #fff;border-radius:999px;background:#0b5cad;color:#fff;font-weight:bold;font-size:16px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3)}',
    '.launcher:hover{background:#084a8c}',
    '.launcher[hidden]{display:none}',
    '.launcher svg{width:22px;height:22px;fill:currentColor}',
    '.panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:440px;max-width:calc(100vw - 40px);height:720px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;border:1px solid #8a8f98;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden}',
    '.panel[hidden]{display:none}',
    '.header{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:8px 12px;background:#0b5cad;color:#fff}',
    '.header h2{flex:1 1 12em;margin:0;font-size:16px;line-height:1.3}',
    '.header button{min-width:44px;min-height:44px;border:1px solid #fff;background:transparent;color:#fff;border-radius:6px;padding:4px 8px;cursor:pointer;font-size:16px}',
    '.header button:hover{background:#084a8c}',
    '.header :focus-visible{outline-color:#fff}',
    '.messages{flex:1;overflow-y:auto;padding:12px;background:#f7f8fa;display:flex;flex-direction:column;gap:10px}',
    // A focus ring is drawn outside its control: the conversation scrolls a
    // focused control in with room for the ring, and draws its own inside.
    '.messages{scroll-padding:12px}.messages a,.messages button,.messages input{scroll-margin:8px}',
    '.messages:focus-visible{outline-offset:-3px}',
    '.msg{max-width:88%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.msg.bot{align-self:flex-start;background:#fff;border:1px solid #c9ced6}',
    '.msg.user{align-self:flex-end;background:#0b5cad;color:#fff}',
    '.msg.notice{align-self:stretch;max-width:none;background:#fff4e5;border:1px solid #b34d00;color:#5c2800}',
    '.notice-actions{margin-top:6px}',
    '.typing{align-self:flex-start;display:flex;gap:4px;padding:12px;border-radius:12px;background:#fff;border:1px solid #c9ced6}',
    '.typing span{width:8px;height:8px;border-radius:50%;background:#5f6670;animation:blink 1.2s infinite}',
    '.typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}',
    '@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}',
    '@media (prefers-reduced-motion:reduce){.typing span{animation:none}}',
    '.quick{display:flex;flex-wrap:wrap;gap:6px;padding:8px 12px;border-top:1px solid #dde1e6;background:#fff}',
    '.quick:empty{display:none}',
    '.quick button,.btn{min-width:44px;min-height:44px;border:1px solid #0b5cad;background:#fff;color:#0b5cad;border-radius:999px;padding:8px 16px;cursor:pointer;font-size:16px}',
    '.quick button:hover,.btn:hover{background:#e8f0fa}',
    '.composer{display:flex;gap:6px;align-items:flex-end;padding:8px 12px 4px;border-top:1px solid #dde1e6;background:#fff}',
    '.composer textarea{flex:1;resize:none;min-height:44px;max-height:120px;padding:8px 10px;border:1px solid #6b7280;border-radius:8px;font-size:16px;color:#1a1a1a;background:#fff}',
    '.send{min-width:64px;min-height:44px;border:0;border-radius:8px;background:#0b5cad;color:#fff;font-weight:bold;cursor:pointer}',
    '.send:disabled{background:#6b7280;cursor:default}',
    '.hint{margin:0;padding:0 12px 8px;font-size:14px;color:#4b5563;background:#fff}',
    '@media (hover:none) and (pointer:coarse){.hint{display:none}}',
    '.card{align-self:stretch;max-width:none;background:#fff;border:2px solid #0b5cad;border-radius:10px;padding:12px;white-space:normal}',
    '.card h3{margin:0 0 6px;font-size:18px;color:#0b3d73}',
    '.card h4{margin:12px 0 4px;font-size:16px;color:#0b3d73;border-bottom:1px solid #c9ced6}',
    '.card h5{margin:8px 0 2px;font-size:16px;color:#0b3d73}',
    '.card ul{margin:0;padding:0;list-style:none}',
    '.card li{margin:4px 0}',
    '.card .plain li{list-style:disc;margin-left:1.2em}',
    '.card label{display:flex;gap:10px;align-items:flex-start;min-height:44px;padding:8px 0;cursor:pointer}',
    '.card input[type=checkbox]{width:24px;height:24px;margin:0;flex:none;accent-color:#0b5cad}',
    '.tag{display:inline-block;margin-left:4px;padding:0 6px;border-radius:4px;background:#e6e8eb;color:#374151;font-size:14px}',
    '.note{display:block;font-size:15px;color:#374151}',
    '.step{display:block}',
    '.key{margin:0 0 6px;font-weight:bold;color:#1a1a1a}',
    '.uncovered{margin:6px 0;padding:8px;border-left:4px solid #b34d00;background:#fff4e5;color:#5c2800}',
    '.warnings{margin:12px 0 0;padding:4px 10px 8px;border-left:4px solid #b34d00;background:#fff4e5;color:#5c2800}',
    '.warnings h4{color:#5c2800;border-color:#b34d00}',
    '.counter{margin:4px 0;padding:6px 8px;background:#f7f8fa;border-radius:6px}',
    '.counter strong{display:block}',
    '.tel{display:inline-flex;align-items:center;min-height:44px;min-width:44px;margin:4px 0;padding:4px 14px;border:2px solid #0b5cad;border-radius:8px;background:#fff;color:#0b5cad;font-weight:bold;text-decoration:none}',
    '.tel:hover{background:#e8f0fa}',
    '.source{margin:10px 0 0;font-size:14px;color:#4b5563}',
    '.card-actions{margin-top:10px;display:flex;flex-wrap:wrap;gap:8px;justify-content:flex-end}',
    '.card-langs{display:flex;flex-wrap:wrap;gap:8px}',
    '.btn[aria-pressed="true"]{background:#0b5cad;color:#fff;font-weight:bold}',
    '.btn[aria-pressed="true"]:hover{background:#084a8c;color:#fff}',
    '@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0;border:0}.launcher{right:12px;bottom:12px}}',
    '@media print{',
    ':host(:not([data-madoguchi-printing])) .root{display:none}',
    '.launcher,.header,.quick,.composer,.hint,.typing,.msg:not(.print-target),.card-actions{display:none!important}',
    '.panel{position:static;width:auto;max-width:none;height:auto;max-height:none;border:0;box-shadow:none;overflow:visible}',
    '.messages{overflow:visible;padding:0;background:#fff}',
    '.card{border:0;padding:0;font-size:10pt;line-height:1.35;color:#000}',
    '.card h3{font-size:13pt;color:#000}.card h4{margin:6px 0 2px;font-size:10.5pt;color:#000;border-color:#000}',
    '.card li{margin:1px 0}.note{font-size:8.5pt;color:#222}.source{color:#222}',
    '.counter{display:inline-block;width:49.5%;vertical-align:top;margin:1px 0;padding:2px 4px;background:none;border-left:2px solid #999;border-radius:0;font-size:9pt;break-inside:avoid}',
    '.card input[type=checkbox]{width:14px;height:14px}',
    '.tel{color:#000;min-height:0;display:inline;margin:0;padding:0;border:0}',
    '.card h5{margin:4px 0 1px;font-size:10pt;color:#000}.key{margin:0 0 2px;font-size:10pt}.card label{min-height:0;padding:0}',
    '.warnings{margin:4px 0 0;padding:0 4px;background:none;color:#000}.warnings h4{color:#000}',
    '}'
  ].join('\n');

  // Printing the card: the host page is hidden for the print only.
  var PRINT_CSS = '@page{margin:12mm}@media print{body>*:not([data-madoguchi-printing]){display:none!important}' +
    '[data-madoguchi-printing]{display:block!important}}';

  // ---- build the widget
  var host, root, launcher, panel, messages, quick, textarea, sendBtn, live, typing, langRoot;
  // labelled lists the widget's own words as drawn: [element, attribute
  // ('' for its text), text id], so that they can be said again in
  // another language (relabel).
  var labelled = [];
  function say(e, attr, id) {
    labelled.push([e, attr, id]);
    if (attr) { e.setAttribute(attr, tx(id)); } else { e.textContent = tx(id); }
    return e;
  }
  function relabel() {
    labelled.forEach(function (l) {
      if (l[1]) { l[0].setAttribute(l[1], tx(l[2])); } else { l[0].textContent = tx(l[2]); }
    });
    if (langRoot) { langRoot.setAttribute('lang', lang); }
  }
  var busy = false;

  // place puts the widget's (empty) host on the page at once; build fills
  // it once the texts are known.
  function place() {
    host = el('div');
    host.id = 'madoguchi-widget-' + municipality;
    host.setAttribute('data-madoguchi-widget', municipality);
    root = host.attachShadow({ mode: 'open' });
    document.body.appendChild(host);
  }

  function build() {
    sheetFor(root, CSS);
    var wrap = el('div', 'root');
    wrap.setAttribute('lang', lang);
    langRoot = wrap;

    launcher = el('button', 'launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'madoguchi-panel');
    say(launcher, 'aria-label', 'widget_launcher_label');
    launcher.appendChild(chatIcon());
    launcher.appendChild(say(el('span', null), '', 'widget_launcher'));
    launcher.addEventListener('click', open);

    panel = el('div', 'panel');
    panel.id = 'madoguchi-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'madoguchi-title');
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); close(); }
    });

    var header = el('div', 'header');
    var h = customTitle ? el('h2', null, customTitle) : say(el('h2'), '', 'widget_title');
    h.id = 'madoguchi-title';
    var resetBtn = say(el('button', 'reset'), '', commands.reset.text);
    resetBtn.type = 'button';
    say(resetBtn, 'aria-label', 'widget_reset_label');
    resetBtn.addEventListener('click', reset);
    var closeBtn = say(el('button', 'close'), '', 'widget_close');
    closeBtn.type = 'button';
    say(closeBtn, 'aria-label', 'widget_close_label');
    closeBtn.addEventListener('click', close);
    var clearBtn = say(el('button', 'clear'), '', 'widget_clear');
    clearBtn.type = 'button';
    say(clearBtn, 'aria-label', 'widget_clear_label');
    clearBtn.addEventListener('click', clearConversation);
    header.appendChild(h);
    header.appendChild(resetBtn);
    header.appendChild(clearBtn);
    header.appendChild(closeBtn);

    messages = el('div', 'messages');
    messages.setAttribute('role', 'region');
    say(messages, 'aria-label', 'widget_history_label');
    messages.tabIndex = 0; // scrollable by keyboard

    live = el('div', 'sr-only');
    live.setAttribute('aria-live', 'polite');
    live.setAttribute('aria-atomic', 'false');

    quick = el('div', 'quick');
    quick.setAttribute('role', 'group');
    say(quick, 'aria-label', 'widget_choices_label');

    var form = el('form', 'composer');
    say(form, 'aria-label', 'widget_form_label');
    textarea = el('textarea');
    textarea.id = 'madoguchi-input';
    textarea.rows = 1;
    textarea.maxLength = 1000;
    say(textarea, 'aria-label', 'widget_input_label');
    textarea.setAttribute('aria-describedby', 'madoguchi-hint');
    say(textarea, 'placeholder', 'widget_placeholder');
    textarea.setAttribute('enterkeyhint', 'send');
    var composing = false;
    textarea.addEventListener('compositionstart', function () { composing = true; });
    textarea.addEventListener('compositionend', function () { composing = false; });
    textarea.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') { return; }
      // Enter that confirms an IME conversion must not send (Safari reports it as keyCode 229).
      if (e.isComposing || composing || e.keyCode === 229) { return; }
      if (e.shiftKey) { return; } // newline
      e.preventDefault();
      submitText();
    });
    sendBtn = say(el('button', 'send'), '', 'widget_send');
    sendBtn.type = 'submit';
    say(sendBtn, 'aria-label', 'widget_send_label');
    form.addEventListener('submit', function (e) { e.preventDefault(); submitText(); });
    form.appendChild(textarea);
    form.appendChild(sendBtn);
    var hint = say(el('p', 'hint'), '', 'widget_hint');
    hint.id = 'madoguchi-hint';

    panel.appendChild(header);
    panel.appendChild(messages);
    panel.appendChild(quick);
    panel.appendChild(form);
    panel.appendChild(hint);
    panel.appendChild(live);
    wrap.appendChild(launcher);
    wrap.appendChild(panel);
    root.appendChild(wrap);

    state.entries.forEach(function (e, i) { messages.appendChild(renderEntry(e, i)); });
    renderQuick(state.quick);
    panel.setAttribute('data-asking', state.asking);
  }

  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    svg.appendChild(p);
    return svg;
  }

  // ---- open / close
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    textarea.focus();
    scrollToEnd();
    if (state.entries.length === 0 && !busy) { send({ postback: commands.start.postback }, null); }
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  function scrollToEnd() { messages.scrollTop = messages.scrollHeight; }

  // ---- rendering
  function renderEntry(entry, index) {
    if (entry.type === 'checklist') { return renderChecklist(entry, index); }
    var m = el('div', 'msg ' + entry.from, entry.text);
    if (entry.from === 'user') {
      m.insertBefore(el('span', 'sr-only', tx('widget_you')), m.firstChild);
    }
    return m;
  }

  function announce(text) {
    var p = el('p', null, text);
    live.appendChild(p);
    while (live.childNodes.length > 3) { live.removeChild(live.firstChild); }
  }

  function addEntry(entry, speak) {
    state.entries.push(entry);
    var n = renderEntry(entry, state.entries.length - 1);
    messages.appendChild(n);
    if (speak) {
      announce(entry.type === 'checklist' ? tx('widget_checklist_shown') : entry.text);
    }
    scrollToEnd();
    return n;
  }

  function renderQuick(list) {
    while (quick.firstChild) { quick.removeChild(quick.firstChild); }
    (list || []).forEach(function (q) {
      var b = el('button', null, q.label);
      b.type = 'button';
      b.addEventListener('click', function () { send({ postback: q.postback }, q.label); });
      quick.appendChild(b);
    });
  }

  // renderChecklist draws a checklist's one presentation (checklist.view,
  // built by the server's bot/present and shared with LINE): it adds no
  // sentence and changes no order of its own. A translated checklist
  // carries the same checklist in Japanese (checklist.view_ja): two
  // buttons under it show one or the other in place, for the resident to
  // show the counter clerk the Japanese original (the card's lang says
  // which is shown; the choice is kept with the conversation).
  function renderChecklist(entry, index) {
    var own = entry.checklist.view;
    var ja = entry.checklist.view_ja;
    var translated = !!(ja && typeof ja === 'object' && own.lang && own.lang !== 'ja');
    if (!entry.checked || typeof entry.checked !== 'object') { entry.checked = {}; }
    var card = el('section', 'msg card');
    card.setAttribute('aria-label', tx('widget_card_label'));
    var body = el('div', 'card-body');
    card.appendChild(body);
    var langBtns = [];
    function draw() {
      var showJa = translated && entry.showJa === true;
      var v = showJa ? ja : own;
      while (body.firstChild) { body.removeChild(body.firstChild); }
      drawView(body, entry, v);
      card.setAttribute('lang', showJa ? 'ja' : (own.lang || lang));
      langBtns.forEach(function (b) { b[0].setAttribute('aria-pressed', String(b[1] === showJa)); });
    }
    var actions = el('div', 'card-actions');
    actions.setAttribute('lang', lang); // the widget's own words, whatever the card shows
    if (translated) {
      var group = el('div', 'card-langs');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', tx('widget_card_lang_label'));
      [[tx('widget_show_translation'), false, 'show-own'], [tx(commands.show_ja.text), true, 'show-ja']].forEach(function (d) {
        var b = el('button', 'btn ' + d[2], d[0]);
        b.type = 'button';
        b.addEventListener('click', function () {
          if ((entry.showJa === true) === d[1]) { return; }
          entry.showJa = d[1];
          draw();
          persist();
        });
        langBtns.push([b, d[1]]);
        group.appendChild(b);
      });
      actions.appendChild(group);
    }
    var pb = el('button', 'btn print', tx('widget_print'));
    pb.type = 'button';
    pb.setAttribute('aria-label', tx('widget_print_label'));
    pb.addEventListener('click', function () { printCard(card); });
    actions.appendChild(pb);
    card.appendChild(actions);
    draw();
    return card;
  }

  // drawView draws one view of a checklist into the card's body.
  function drawView(card, entry, v) {
    card.appendChild(el('h3', null, v.title));
    if (v.translation) { card.appendChild(el('p', 'note', v.translation)); }
    if (v.note) { card.appendChild(el('p', 'note', v.note)); }
    if (v.headline) { card.appendChild(el('p', 'key', v.headline)); }
    if (v.status) { card.appendChild(el('p', 'key', v.status)); }
    if (v.uncovered) { card.appendChild(el('p', 'uncovered', v.uncovered)); }

    var n = 0; // items are numbered across visits, for the ticks kept
    if (v.visits && v.visits.length) {
      card.appendChild(el('h4', null, v.titles.items));
      v.visits.forEach(function (g) {
        if (g.title) { card.appendChild(el('h5', null, g.title)); }
        var ul = el('ul');
        (g.items || []).forEach(function (it) { ul.appendChild(renderItem(entry, it, n++, v.lang)); });
        card.appendChild(ul);
      });
    }
    if (v.places && v.places.length) {
      card.appendChild(el('h4', null, v.titles.places));
      v.places.forEach(function (p) {
        var d = el('div', 'counter');
        d.appendChild(el('strong', null, p.name));
        if (p.hours) { d.appendChild(el('div', null, p.hours)); }
        if (p.reservation) { d.appendChild(el('div', null, p.reservation)); }
        if (p.tel) { d.appendChild(telLink(p.tel, p.tel_label)); } else if (p.phone) { d.appendChild(el('div', null, p.phone)); }
        card.appendChild(d);
      });
    }
    if (v.afterwards && v.afterwards.length) {
      card.appendChild(el('h4', null, v.titles.afterwards));
      var fl = el('ul', 'plain');
      v.afterwards.forEach(function (f) {
        var li = el('li');
        li.appendChild(el('strong', null, f.title));
        if (f.text) { li.appendChild(el('span', 'step', f.text)); }
        if (f.tel) { li.appendChild(telLink(f.tel, f.tel_label)); } else if (f.phone) { li.appendChild(el('span', 'note', f.phone)); }
        fl.appendChild(li);
      });
      card.appendChild(fl);
    }
    if (v.warnings && v.warnings.length) {
      var w = el('div', 'warnings');
      w.appendChild(el('h4', null, v.titles.warnings));
      var wl = el('ul', 'plain');
      v.warnings.forEach(function (t) { wl.appendChild(el('li', null, t)); });
      w.appendChild(wl);
      card.appendChild(w);
    }
    if (v.source) { card.appendChild(el('p', 'source', v.source)); }
  }

  function renderItem(entry, it, i, viewLang) {
    var li = el('li');
    var label = el('label');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = !!entry.checked[i];
    box.addEventListener('change', function () {
      if (box.checked) { entry.checked[i] = true; } else { delete entry.checked[i]; }
      persist();
    });
    var text = el('span', null, it.text);
    if (it.optional) {
      // Latin text is spaced from its tag, for copying and screen readers.
      if (viewLang === 'en') { text.appendChild(document.createTextNode(' ')); }
      text.appendChild(el('span', 'tag', it.optional));
    }
    if (it.note) { text.appendChild(el('span', 'note', it.note)); }
    label.appendChild(box);
    label.appendChild(text);
    li.appendChild(label);
    return li;
  }

  function printCard(card) {
    card.classList.add('print-target');
    host.setAttribute('data-madoguchi-printing', '');
    var removeSheet = sheetFor(document, PRINT_CSS);
    var done = false;
    function cleanup() {
      if (done) { return; }
      done = true;
      card.classList.remove('print-target');
      host.removeAttribute('data-madoguchi-printing');
      removeSheet();
      window.removeEventListener('afterprint', cleanup);
    }
    window.addEventListener('afterprint', cleanup);
    window.print();
    setTimeout(cleanup, 1000); // where print() does not block and afterprint never comes
  }

  // ---- talking to the server
  function setBusy(b) {
    busy = b;
    sendBtn.disabled = b;
    if (b) {
      typing = el('div', 'typing');
      typing.setAttribute('role', 'status');
      typing.setAttribute('aria-label', tx('widget_busy_label'));
      for (var i = 0; i < 3; i++) { typing.appendChild(el('span')); }
      messages.appendChild(typing);
      scrollToEnd();
    } else if (typing) {
      typing.remove();
      typing = null;
    }
  }

  function submitText() {
    var text = textarea.value.trim();
    if (!text || busy) { return; }
    textarea.value = '';
    send({ text: text }, text);
  }

  function notice(text, retry) {
    var n = el('div', 'msg notice', text);
    n.setAttribute('role', 'alert');
    if (retry) {
      var a = el('div', 'notice-actions');
      var b = el('button', 'btn', tx('widget_retry'));
      b.type = 'button';
      b.addEventListener('click', function () { n.remove(); retry(); });
      a.appendChild(b);
      n.appendChild(a);
    }
    messages.appendChild(n);
    scrollToEnd();
  }

  // waitText says how long to wait, from a Retry-After in seconds.
  function waitText(secs) {
    if (!(secs > 0) || secs >= 3600) { return tx('widget_wait_later'); }
    if (secs < 60) { return tx('widget_wait_seconds', { n: secs }); }
    return tx('widget_wait_minutes', { n: Math.ceil(secs / 60) });
  }

  // send posts one turn. shown is what the resident's bubble says (null: none).
  function send(payload, shown) {
    if (busy) { return; }
    if (shown !== null) { addEntry({ from: 'user', type: 'text', text: shown }, false); persist(); }
    renderQuick([]);
    setBusy(true);
    var body = { municipality: municipality, session_id: sessionID };
    if (askedLang) { body.lang = askedLang; }
    if (payload.text !== undefined) { body.text = payload.text; } else { body.postback = payload.postback; }
    var retry = function () { send(payload, null); };
    fetch(apiURL, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) {
        setBusy(false);
        if (res.ok && data && Array.isArray(data.messages)) { return handleReply(data); }
        renderQuick(state.quick);
        var wait = parseInt(res.headers.get('Retry-After') || '', 10);
        if (res.status === 429) {
          // A rate limit: this browser's (or its network's) messages or new
          // conversations came too fast.
          notice(tx('widget_rate_limited', { wait: waitText(wait) }), retry);
        } else if (res.status === 503 && wait > 0 && data && data.error && data.error.code === 'unavailable') {
          // The cap on open conversations (only it sends Retry-After with a
          // 503): the service is full, not broken.
          notice(tx('widget_overloaded', { wait: waitText(wait) }), retry);
        } else if (res.status === 403 && data && data.error && data.error.code === 'forbidden_origin') {
          // The site is not set up for this municipality: nothing the resident can fix.
          console.warn('madoguchi: this page\'s origin (' + location.origin + ') is not allowed for data-municipality="' +
            municipality + '"; ask the operator to add it');
          notice(tx('widget_forbidden'), null);
        } else if (res.status >= 500) {
          notice(tx('widget_unavailable'), retry);
        } else {
          notice(tx('widget_invalid'), null);
        }
      });
    }).catch(function () {
      setBusy(false);
      renderQuick(state.quick);
      notice(tx('widget_network'), retry);
    });
  }

  function handleReply(data) {
    var card = null;
    data.messages.forEach(function (m) {
      if (m && m.type === 'text' && typeof m.text === 'string') {
        addEntry({ from: 'bot', type: 'text', text: m.text }, true);
      } else if (m && m.type === 'checklist' && m.checklist && m.checklist.view) {
        card = addEntry({ from: 'bot', type: 'checklist', checklist: m.checklist, checked: {} }, true);
      }
    });
    if (card) { // a checklist is read from its top
      messages.scrollTop = card.offsetTop - messages.offsetTop - 8;
    }
    if (typeof data.lang === 'string' && data.lang !== lang && /^(ja|ja-x-easy|en)$/.test(data.lang)) { switchLang(data.lang); }
    state.quick = Array.isArray(data.quick_replies) ? data.quick_replies.filter(validQuick) : [];
    state.asking = typeof data.asking === 'string' ? data.asking : '';
    panel.setAttribute('data-asking', state.asking);
    renderQuick(state.quick);
    persist();
  }

  function reset() {
    if (busy) { return; }
    state = { entries: [], quick: [], asking: '' };
    save('history', null);
    while (messages.firstChild) { messages.removeChild(messages.firstChild); }
    renderQuick([]);
    announce(tx('widget_restarting'));
    send({ postback: commands.reset.postback }, null);
    textarea.focus();
  }

  // clearConversation forgets the conversation: the messages shown, what
  // this browser keeps, and the session, so that the next person at a
  // shared PC starts afresh and the server's state for it is never reached
  // again (it expires there).
  function clearConversation() {
    if (busy) { return; }
    state = { entries: [], quick: [], asking: '' };
    forget();
    sessionID = newSessionID();
    while (messages.firstChild) { messages.removeChild(messages.firstChild); }
    renderQuick([]);
    panel.setAttribute('data-asking', '');
    messages.appendChild(el('div', 'msg notice', tx('widget_cleared')));
    announce(tx('widget_cleared_announce'));
    textarea.value = '';
    textarea.focus();
  }

  // start takes the municipality's texts in the page's language, then
  // draws the widget; without them (the server unreachable, or slow for
  // more than textsWait ms) it draws with the national Japanese ones.
  var textsWait = 3000;
  // fetchTexts asks the server for the texts in want; done(ok) follows.
  function fetchTexts(want, done) {
    var url = origin + '/api/v1/texts?municipality=' + encodeURIComponent(municipality) + '&lang=' + encodeURIComponent(want);
    fetch(url, { mode: 'cors', credentials: 'omit' }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (data) {
      var ok = !!(data && data.texts && typeof data.texts === 'object');
      done(ok ? data : null);
    }).catch(function () { done(null); });
  }
  function takeTexts(data) {
    Object.keys(data.texts).forEach(function (id) {
      if (typeof data.texts[id] === 'string') { texts[id] = data.texts[id]; }
    });
    if (typeof data.lang === 'string') { lang = data.lang; }
  }

  // switchLang says the widget's words in the language the conversation
  // turned to (a first text in English is answered in English).
  function switchLang(want) {
    // The page's language was asked for with every turn: from now on the
    // conversation's (the resident chose another, 言語 / Language).
    if (askedLang) { askedLang = want; }
    fetchTexts(want, function (data) {
      if (data) { takeTexts(data); relabel(); }
    });
  }

  function start() {
    place();
    var drawn = false;
    function draw() {
      if (drawn) { return; }
      drawn = true;
      build();
    }
    setTimeout(draw, textsWait);
    fetchTexts(lang, function (data) {
      if (!drawn && data) { takeTexts(data); }
      draw();
    });
  }
  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();

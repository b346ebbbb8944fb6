// The browser-side window.kontor of the web host, served as /__kontor/bridge.js. It mirrors the
// preload's API: invoke(name, input) and on(event, listener); the cookie carries the token.
export const bridgeScript = `(() => {
  'use strict';
  const listeners = new Map();
  let source = null;
  function ensureEvents() {
    if (source) return;
    source = new EventSource('/__kontor/events');
    source.onmessage = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    };
  }
  const kontor = {
    async invoke(name, input, callId) {
      let response;
      try {
        response = await fetch('/__kontor/invoke', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-kontor': '1' },
          body: JSON.stringify({
            name: String(name),
            input: input === undefined ? {} : input,
            ...(typeof callId === 'string' ? { callId } : {}),
          }),
        });
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: 'the web host cannot be reached: ' + error.message } };
      }
      if (response.status === 401) return { ok: false, error: { code: 'unauthenticated', message: 'the web host token is missing or wrong' } };
      try { return await response.json(); } catch {
        return { ok: false, error: { code: 'internal', message: 'the web host answered ' + response.status } };
      }
    },
    async cancel(callId) {
      await fetch('/__kontor/cancel', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-kontor': '1' },
        body: JSON.stringify({ callId: String(callId) }),
      }).catch(() => undefined);
    },
    async chooseFile(request) {
      const extensions = Array.isArray(request && request.extensions) ? request.extensions.map(String) : [];
      const post = (path, body, headers) =>
        fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'x-kontor': '1', ...headers }, body })
          .then((response) => (response.ok ? response.json() : Promise.reject(new Error('the web host answered ' + response.status))));
      if (request && request.mode === 'save') {
        return post('/__kontor/files/save', JSON.stringify({ name: String(request.name || 'export') }), { 'content-type': 'application/json' });
      }
      const file = await new Promise((done) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = extensions.map((e) => '.' + e).join(',');
        input.style.display = 'none';
        input.addEventListener('change', () => { done(input.files && input.files[0] ? input.files[0] : null); input.remove(); });
        input.addEventListener('cancel', () => { done(null); input.remove(); });
        document.body.append(input);
        input.click();
      });
      if (!file) return null;
      return post('/__kontor/files/upload?name=' + encodeURIComponent(file.name), file, { 'content-type': 'application/octet-stream' });
    },
    async deliverFile(fileId) {
      const link = document.createElement('a');
      link.href = '/__kontor/files/download?id=' + encodeURIComponent(String(fileId));
      link.download = '';
      document.body.append(link);
      link.click();
      link.remove();
    },
    on(event, listener) {
      ensureEvents();
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  Object.defineProperty(window, 'kontor', { value: Object.freeze(kontor), writable: false, configurable: false });
})();
`;

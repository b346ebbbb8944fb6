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

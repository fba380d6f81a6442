// Registers the service worker (sw.js) that keeps the site for offline use.
// It registers once the engine has booted (or failed to), so on a first visit its downloads never compete with
// the engine's; most of them are then a 304 for a file the page has just fetched.
// When a new build's service worker takes over a page the old one served, the page reloads once: the app's state
// is saved as it goes, and a page never runs on files from two builds.
if ('serviceWorker' in navigator) {
  const booted = globalThis.miglabPreboot?.ready ?? Promise.resolve();
  const loaded = new Promise((resolve) => (document.readyState === 'complete' ? resolve() : addEventListener('load', resolve)));
  const updating = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => updating && location.reload());
  Promise.all([booted.catch(() => {}), loaded]).then(() =>
    navigator.serviceWorker.register('sw.js').catch((error) => console.warn(`miglab works only online here: ${error.message}`)),
  );
}

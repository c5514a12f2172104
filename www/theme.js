// Applies the theme the visitor chose with the "Dark theme" toggle before the page is first
// painted, so a dark choice never flashes light. A classic script from 'self' in <head>: the
// CSP forbids inline scripts, and a module (boot.js) would run only after the first paint.
// Without a choice the stylesheet follows the system (prefers-color-scheme); the key is
// web/src/theme.rs THEME_KEY.
try {
  const theme = window.localStorage.getItem('kroute.theme');
  if (theme === 'light' || theme === 'dark') {
    document.documentElement.dataset.theme = theme;
  }
} catch (_) {
  // No storage (a privacy mode): the system's theme it is.
}

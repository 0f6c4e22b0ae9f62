// PatternFly's dark theme (the `pf-v6-theme-dark` class on <html>) whenever the system asks for dark,
// following changes while the page is open.
export function followSystemTheme(): void {
  const q = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => document.documentElement.classList.toggle('pf-v6-theme-dark', q.matches);
  apply();
  q.addEventListener('change', apply);
}

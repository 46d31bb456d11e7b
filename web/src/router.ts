import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';

/** The path under /app the browser shows; the server answers index.html for every one. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('popstate', update);
    addEventListener('navigate-app', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('navigate-app', update);
    };
  }, []);
  return path;
}

function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return path === '' ? '/' : path;
}

export function navigate(to: string): void {
  history.pushState(null, '', BASE + to);
  dispatchEvent(new Event('navigate-app'));
  scrollTo(0, 0);
}

/** Props for an <a> that navigates inside the console (a real link: new tab, keyboard). */
export function linkTo(to: string) {
  return {
    href: BASE + to,
    onClick: (event: MouseEvent) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(to);
    },
  };
}

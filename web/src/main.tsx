import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { claimsOf, currentToken, signIn, signOut, takeTokenFromUrl, whenUnauthorized } from './api';
import { Admin } from './admin';
import { Dashboard } from './dashboard';
import { ExecutionDetail, History } from './executions';
import { linkTo, navigate, usePath } from './router';
import { SessionContext } from './session';
import { Wizard } from './wizard';
import './style.css';

takeTokenFromUrl();

function SignIn({ expired }: { expired: boolean }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  return (
    <main id="main" class="narrow">
      <h1>Sign in</h1>
      {expired && <p role="alert">Your session ended. Sign in again.</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const jwt = value.trim();
          if (!claimsOf(jwt)) return setError('That is not a token: paste the whole JWT.');
          signIn(jwt);
          dispatchEvent(new Event('signed-in'));
        }}
      >
        <label for="token">Access token</label>
        <textarea
          id="token"
          rows={4}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          aria-describedby="token-help token-error"
          aria-invalid={error ? true : undefined}
        />
        <p id="token-help" class="hint">
          Paste the token your administrator gave you (`npm run token` mints one). It stays in this
          browser tab only.
        </p>
        {error && (
          <p id="token-error" class="error">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function route(path: string) {
  let m: RegExpExecArray | null;
  if (path === '/' || path === '/schedules') return <Dashboard />;
  if (path === '/schedules/new') return <Wizard />;
  if ((m = /^\/schedules\/([^/]+)\/edit$/.exec(path))) return <Wizard id={m[1]} />;
  if ((m = /^\/schedules\/([^/]+)\/history$/.exec(path))) return <History id={m[1]} />;
  if ((m = /^\/executions\/([^/]+)$/.exec(path))) return <ExecutionDetail id={m[1]} />;
  if (path === '/admin') return <Admin />;
  return (
    <main id="main">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <a {...linkTo('/')}>Go to the schedules</a>.
      </p>
    </main>
  );
}

function App() {
  const path = usePath();
  const [token, setToken] = useState(currentToken());
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    const update = () => setToken(currentToken());
    addEventListener('signed-in', update);
    whenUnauthorized(() => {
      signOut();
      setExpired(true);
      setToken(null);
    });
    return () => removeEventListener('signed-in', update);
  }, []);
  const claims = token ? claimsOf(token) : null;
  if (!claims) return <SignIn expired={expired} />;
  const isAdmin = claims.roles.includes('admin');
  return (
    <SessionContext.Provider value={claims}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Main">
          <a {...linkTo('/')} aria-current={path === '/' ? 'page' : undefined}>
            Schedules
          </a>
          {claims.roles.some((r) => r === 'admin' || r === 'editor') && (
            <a
              {...linkTo('/schedules/new')}
              aria-current={path === '/schedules/new' ? 'page' : undefined}
            >
              New report
            </a>
          )}
          {isAdmin && (
            <a {...linkTo('/admin')} aria-current={path === '/admin' ? 'page' : undefined}>
              Admin
            </a>
          )}
        </nav>
        <span class="who">
          {claims.name ?? claims.email ?? claims.sub} ({claims.roles.join(', ') || 'no role'})
        </span>
        <button
          type="button"
          class="link"
          onClick={() => {
            signOut();
            setExpired(false);
            setToken(null);
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      {route(path)}
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);

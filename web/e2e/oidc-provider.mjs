// A local ProConnect-like OpenID provider for the tests (oidc-provider): one client, a few accounts, the
// ProConnect specifics (acr eidas1, userinfo as a signed JWT, the claims usual_name, siret and uid, idp_hint
// accepted, RP-initiated logout), and a French login page of its own with « Annuler » (error=access_denied).
// Listens on 127.0.0.1 at a free port and prints one JSON line, {"issuer": "http://127.0.0.1:PORT"}, then
// serves until killed.
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_URI, and OIDC_ACCOUNTS,
// a JSON list of {login, password, sub, email, given_name, usual_name, siret, uid}.
// For the tests only: POST /test/expire-code?code=… makes an issued authorisation code unknown, as if it had
// expired (no test waits for the clock).

import http from 'node:http';
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} manque`);
    process.exit(2);
  }
  return value;
};

const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const bySub = new Map(accounts.map((a) => [a.sub, a]));
const CLAIMS = ['email', 'email_verified', 'given_name', 'usual_name', 'siret', 'uid'];

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('OIDC_CLIENT_ID'),
      client_secret: env('OIDC_CLIENT_SECRET'),
      redirect_uris: [env('OIDC_REDIRECT_URI')],
      post_logout_redirect_uris: [env('OIDC_POST_LOGOUT_URI')],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
    },
  ],
  claims: {
    email: ['email', 'email_verified'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
    uid: ['uid'],
  },
  acrValues: ['eidas1'],
  extraParams: ['idp_hint'],
  pkce: { required: () => true },
  cookies: { keys: ['passerelle-tests-only'] },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // ProConnect asks no consent of its own for a registered service: every scope asked is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const account = bySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = { sub, email_verified: true };
        for (const name of CLAIMS) if (account[name] !== undefined) claims[name] = account[name];
        return claims;
      },
    };
  },
});
const callback = provider.callback();

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>ProConnect (test)</title></head>
<body><main><h1>ProConnect (fournisseur de test)</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<p><label for="login">Identifiant</label> <input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" required></p>
<p><button type="submit">Se connecter</button></p>
</form>
<form method="post" action="/interaction/${uid}/abort"><p><button type="submit">Annuler</button></p></form>
</main></body></html>`;
}

async function form(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, path) {
  const [, , uid, action] = path.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction inconnue');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid));
  } else if (action === 'login') {
    const body = await form(req);
    const account = accounts.find((a) => a.login === body.get('login') && a.password === body.get('password'));
    if (!account) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid, 'Identifiant ou mot de passe incorrect.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub, acr: 'eidas1' } }, {
      mergeWithLastSubmission: false,
    });
  } else {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'connexion annulée',
    });
  }
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url.pathname);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (url.pathname === '/test/expire-code' && req.method === 'POST') {
      const code = await provider.AuthorizationCode.find(url.searchParams.get('code'));
      if (code) await code.destroy();
      res.writeHead(code ? 204 : 404);
      res.end();
    } else {
      callback(req, res);
    }
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(e));
  }
});

console.log(JSON.stringify({ issuer }));
// The one line is read, then the test may close the pipe: the provider's later notices go to stderr.
console.log = console.info = console.warn;
process.stdout.on('error', () => {});

// A real OpenID Connect provider (npm oidc-provider) for the sign-in tests, on 127.0.0.1.
//
//   node tests/oidc/provider.mjs PORT
//
// Environment: OIDC_TEST_CLIENTS (JSON list of clients: client_id, client_secret,
// redirect_uris, post_logout_redirect_uris) and OIDC_TEST_ADMIN_TOKEN (the bearer token of
// the test endpoint). It prints "ready <issuer>" once it listens.
//
// The test endpoint (POST /__test__/state, JSON, with the admin token) sets what the
// provider answers: the accounts (id -> claims, acr, amr), the lifetime of the ID tokens in
// seconds, and "audience": when set, the token endpoint hands out an ID token for that
// audience instead of the client's, signed with the provider's own key (a token issued
// for another application).
//
// The log-in page (/interaction/<uid>) asks only for the account id: the accounts are
// test accounts and the password is not what is tested.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node tests/oidc/provider.mjs PORT\n');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const adminToken = process.env.OIDC_TEST_ADMIN_TOKEN || '';
if (adminToken.length < 16) {
  process.stderr.write('OIDC_TEST_ADMIN_TOKEN must be set (16 characters or more)\n');
  process.exit(2);
}
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS || '[]').map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const state = { accounts: {}, idTokenTtl: 600, audience: null };

function base64url(value) {
  return Buffer.from(value).toString('base64url');
}

// The same ID token, for another audience, signed with the provider's key.
function reissued(idToken, audience) {
  const [header, payload] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.aud = audience;
  delete claims.azp;
  const body = `${header}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(body), privateKey);
  return `${body}.${signature.toString('base64url')}`;
}

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    acr: null,
    auth_time: null,
    sid: null,
    iss: null,
    amr: null,
    // acr and amr in every ID token, as the identity providers of municipalities send them.
    openid: ['sub', 'acr', 'amr'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email'],
    groups: ['groups'],
    bsn: ['bsn'],
  },
  acrValues: ['urn:test:mfa', 'urn:test:password', 'urn:test:digid:midden', 'urn:test:digid:basis'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    userinfo: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: {
    IdToken: () => state.idTokenTtl,
    AccessToken: 600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = state.accounts[id];
    if (!account) {
      return undefined;
    }
    return { accountId: id, async claims() { return { ...account.claims, sub: id }; } };
  },
  // First-party clients: the consent of the test accounts is given for every scope asked.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (state.audience && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: reissued(ctx.body.id_token, state.audience) };
  }
});

const providerCallback = provider.callback();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, 'text/plain', 'interaction mismatch');
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const accountId = form.get('login') || '';
    const account = state.accounts[accountId];
    if (account) {
      const login = { accountId };
      if (account.acr) login.acr = account.acr;
      if (account.amr) login.amr = account.amr;
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
  }
  send(
    res,
    200,
    'text/html; charset=utf-8',
    `<!doctype html><title>Test provider</title><form method="post" action="/interaction/${escape(uid)}/login">`
      + `<label>Account <input name="login"></label><button>Log in</button></form>`,
  );
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/__test__/state') {
      if (req.headers.authorization !== `Bearer ${adminToken}` || req.method !== 'POST') {
        send(res, 403, 'text/plain', 'forbidden');
        return;
      }
      Object.assign(state, JSON.parse(await readBody(req)));
      send(res, 200, 'application/json', JSON.stringify({ ok: true }));
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    providerCallback(req, res);
  } catch (error) {
    process.stderr.write(`${error.stack || error}\n`);
    if (!res.headersSent) {
      send(res, 500, 'text/plain', 'error');
    }
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

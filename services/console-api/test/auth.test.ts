import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JoseTokenVerifier } from '../src/adapters/oidc/jose-token-verifier.js';
import { OidcConfig, oidcAuth } from '../src/adapters/oidc/oidc-config.js';
import { ensureAdmin } from '../src/domain/accounts.js';
import { CSRF_HEADER, SESSION_IDLE_MS } from '../src/domain/auth.js';
import { hashPassword, verifyPassword } from '../src/domain/passwords.js';
import { assertError, call, cheapCost, harness, PASSWORD, sessionCookieOf, type Harness } from './support/harness.js';

describe('passwords', () => {
  it('hashes with scrypt and a random salt; verifies only the right password', async () => {
    const a = await hashPassword('a long passphrase', cheapCost);
    const b = await hashPassword('a long passphrase', cheapCost);
    assert.match(a, /^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('a long passphrase', a), true);
    assert.equal(await verifyPassword('a long passphrasE', a), false);
    assert.equal(await verifyPassword('x', 'plain-text'), false);
    assert.equal(await verifyPassword('x', 'scrypt$0$8$1$AA$AA'), false);
  });

  it('the default cost is a slow KDF (N = 2^15)', async () => {
    assert.match(await hashPassword('a long passphrase'), /^scrypt\$32768\$8\$1\$/);
  });
});

describe('the first admin', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.close());

  it('is created once with a generated password, shown only then', async () => {
    const first = await ensureAdmin(h.accounts, h.ports.clock, undefined, cheapCost);
    assert.equal(first?.username, 'admin');
    assert.match(first?.generatedPassword ?? '', /^[\w-]{24}$/);
    assert.equal(await ensureAdmin(h.accounts, h.ports.clock, undefined, cheapCost), undefined, 'later starts create nothing');
    await h.signIn('admin', first!.generatedPassword);
    const stored = await h.accounts.getUser('admin');
    assert.doesNotMatch(stored!.passwordHash, new RegExp(first!.generatedPassword!), 'only a hash is stored');
  });

  it('ADMIN_PASSWORD sets it at the first start and resets it later (signing the old sessions out)', async () => {
    assert.deepEqual(await ensureAdmin(h.accounts, h.ports.clock, 'first password!', cheapCost), { username: 'admin' });
    const old = await h.signIn('admin', 'first password!');
    assert.equal(await ensureAdmin(h.accounts, h.ports.clock, 'first password!', cheapCost), undefined, 'same password: nothing to do');
    await ensureAdmin(h.accounts, h.ports.clock, 'second password', cheapCost);
    assertError(await old.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    await h.signIn('admin', 'second password');
  });
});

describe('local sign-in, sessions and CSRF', () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.addUser('ana', 'Analyst');
    await h.addUser('root', 'Admin');
  });
  afterEach(() => h.close());

  it('sets an HttpOnly, SameSite=Lax session cookie scoped to /api, Secure over HTTPS', async () => {
    const res = await call('POST', '/api/auth/sign-in', { body: { username: 'ana', password: PASSWORD } });
    assert.equal(res.status, 200);
    const [cookie] = res.raw.cookies!;
    assert.match(cookie!, /^clickstream_session=[\w-]{43}; Path=\/api; HttpOnly; SameSite=Lax; Max-Age=604800$/);
    assert.deepEqual(
      { ...res.body, csrfToken: typeof res.body.csrfToken },
      { subject: 'ana', name: 'ana', roles: ['Analyst'], permissions: ['analytics:read', 'analytics:write', 'apps:read', 'health:read', 'metadata:write'], via: 'session', csrfToken: 'string', expiresAt: '2026-11-29T22:00:00.000Z' },
    );
    const secure = await call('POST', '/api/auth/sign-in', { body: { username: 'ana', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    assert.match(secure.raw.cookies![0]!, /; Secure$/);
  });

  it('one answer for a wrong password, an unknown user and a disabled account', async () => {
    const root = await h.signIn('root');
    await root.call('PATCH', '/api/users/ana', { body: { disabled: true } });
    for (const body of [{ username: 'ana', password: PASSWORD }, { username: 'root', password: 'wrong password' }, { username: 'ghost', password: PASSWORD }]) {
      const error = assertError(await call('POST', '/api/auth/sign-in', { body }), 401, 'INVALID_CREDENTIALS');
      assert.equal(error.message, 'Wrong user name or password, or the account is disabled.');
    }
  });

  it('GET /api/auth/me returns the CSRF token of the session; state changes need it', async () => {
    const s = await h.signIn('root');
    const me = await call('GET', '/api/auth/me', { cookies: [s.cookie] });
    assert.equal(me.body.csrfToken, s.csrfToken);
    assertError(await call('POST', '/api/projects', { cookies: [s.cookie], body: { name: 'x' } }), 403, 'CSRF_TOKEN_INVALID');
    assert.equal((await call('POST', '/api/projects', { cookies: [s.cookie], body: { name: 'x' }, headers: { [CSRF_HEADER]: s.csrfToken } })).status, 201);
    const other = await h.signIn('root');
    assertError(await call('POST', '/api/projects', { cookies: [s.cookie], body: { name: 'y' }, headers: { [CSRF_HEADER]: other.csrfToken } }), 403, 'CSRF_TOKEN_INVALID');
  });

  it('an unknown or forged session cookie is 401; other cookies are ignored', async () => {
    assertError(await call('GET', '/api/auth/me', { cookies: ['clickstream_session=forged'] }), 401, 'UNAUTHORIZED');
    assertError(await call('GET', '/api/auth/me', { cookies: [`clickstream_session=${'x'.repeat(500)}`] }), 401, 'UNAUTHORIZED');
    assertError(await call('GET', '/api/auth/me', { cookies: ['theme=dark'] }), 401, 'UNAUTHORIZED');
    assertError(await call('GET', '/api/auth/me', { headers: { authorization: 'Bearer abc' } }), 401, 'UNAUTHORIZED');
  });

  it('sessions end after 12 idle hours, slide while used, and last 7 days at most', async () => {
    const s = await h.signIn('ana');
    h.now.value += SESSION_IDLE_MS - 1_000;
    assert.equal((await s.call('GET', '/api/auth/me')).status, 200, 'used just before the idle limit');
    h.now.value += SESSION_IDLE_MS - 1_000;
    assert.equal((await s.call('GET', '/api/auth/me')).status, 200, 'the use above extended it');
    h.now.value += SESSION_IDLE_MS + 1;
    assertError(await s.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');

    const t = await h.signIn('ana');
    const signedInAt = h.now.value;
    while ((await t.call('GET', '/api/auth/me')).status === 200) h.now.value += 11 * 3_600_000;
    const lasted = h.now.value - signedInAt;
    assert.ok(lasted > 6 * 24 * 3_600_000 && lasted <= 7 * 24 * 3_600_000 + 11 * 3_600_000, `lasted ${lasted / 3_600_000} h`);
  });

  it('sign-out ends the session and clears the cookie', async () => {
    const s = await h.signIn('ana');
    const out = await s.call('POST', '/api/auth/sign-out');
    assert.equal(out.status, 204);
    assert.match(out.raw.cookies![0]!, /^clickstream_session=; .*Max-Age=0/);
    assertError(await s.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
  });

  it('changing your password needs the current one, ends your other sessions and starts a new one', async () => {
    const a = await h.signIn('ana');
    const b = await h.signIn('ana');
    assertError(await a.call('POST', '/api/auth/password', { body: { currentPassword: 'nope', newPassword: 'a brand new password' } }), 400, 'WRONG_PASSWORD');
    assertError(await a.call('POST', '/api/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'short' } }), 400, 'INVALID_BODY');
    const changed = await a.call('POST', '/api/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    assert.equal(changed.status, 200);
    assertError(await b.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    assertError(await a.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    assert.equal((await call('GET', '/api/auth/me', { cookies: [sessionCookieOf(changed)] })).status, 200);
    await h.signIn('ana', 'a brand new password');
  });
});

describe('user management (Admin)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.addUser('root', 'Admin');
  });
  afterEach(() => h.close());

  it('creates, lists, changes and deletes users; never shows hashes', async () => {
    const root = await h.signIn('root');
    const created = await root.call('POST', '/api/users', { body: { username: 'bob', password: 'bobs long password', role: 'AnalystReader' } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.permissions, ['analytics:read', 'apps:read', 'health:read']);
    assertError(await root.call('POST', '/api/users', { body: { username: 'bob', password: 'bobs long password', role: 'Admin' } }), 409, 'USER_EXISTS');
    assertError(await root.call('POST', '/api/users', { body: { username: 'Bob!', password: 'x', role: 'Boss' } }), 400, 'INVALID_BODY');
    const listed = await root.call('GET', '/api/users');
    assert.deepEqual(listed.body.users.map((u: { username: string }) => u.username), ['bob', 'root']);
    assert.doesNotMatch(JSON.stringify(listed.body), /scrypt/);

    const bob = await h.signIn('bob', 'bobs long password');
    assert.equal((await root.call('PATCH', '/api/users/bob', { body: { role: 'Operator' } })).body.role, 'Operator');
    assertError(await bob.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    const bob2 = await h.signIn('bob', 'bobs long password');
    assert.deepEqual((await bob2.call('GET', '/api/auth/me')).body.roles, ['Operator']);
    assert.equal((await root.call('DELETE', '/api/users/bob')).status, 204);
    assertError(await bob2.call('GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    assertError(await root.call('DELETE', '/api/users/bob'), 404, 'NOT_FOUND');
  });

  it('never leaves the install without an enabled Admin', async () => {
    const root = await h.signIn('root');
    assertError(await root.call('PATCH', '/api/users/root', { body: { role: 'Analyst' } }), 409, 'LAST_ADMIN');
    assertError(await root.call('PATCH', '/api/users/root', { body: { disabled: true } }), 409, 'LAST_ADMIN');
    assertError(await root.call('DELETE', '/api/users/root'), 409, 'LAST_ADMIN');
    await root.call('POST', '/api/users', { body: { username: 'second', password: 'another long one', role: 'Admin' } });
    assert.equal((await root.call('PATCH', '/api/users/root', { body: { role: 'Operator' } })).status, 200);
  });
});

describe('OIDC bearer tokens (jose)', () => {
  const issuer = 'https://idp.example.com/pool';
  let h: Harness;
  let sign: (claims: Record<string, unknown>, options?: { issuer?: string; audience?: string; expiresIn?: string }) => Promise<string>;

  beforeEach(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const verifier = new JoseTokenVerifier({ issuer, audience: 'console', rolesClaim: 'cognito:groups' }, createLocalJWKSet({ keys: [jwk] }));
    h = harness({ auth: { mode: 'oidc', verifier, issuer, clientId: 'console', roleMap: { 'bi-team': 'AnalystReader' } } });
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? 'console')
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '5m')
        .sign(privateKey);
  });
  afterEach(() => h.close());

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('takes roles from the configured claim, case-insensitively or through the role map', async () => {
    const me = await call('GET', '/api/auth/me', bearer(await sign({ 'cognito:groups': ['operator', 'bi-team', 'unrelated'], email: 'u@example.com' })));
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.subject, me.body.name, me.body.roles, me.body.via], ['user-1', 'u@example.com', ['Operator', 'AnalystReader'], 'bearer']);
    assert.equal(me.body.csrfToken, undefined);
    assert.equal((await call('POST', '/api/projects', { body: { name: 'Shop' }, ...bearer(await sign({ 'cognito:groups': ['Operator'] })) })).status, 201);
    assertError(await call('POST', '/api/projects', { body: { name: 'Shop' }, ...bearer(await sign({ 'cognito:groups': ['Analyst'] })) }), 403, 'FORBIDDEN');
  });

  it('refuses tokens from another issuer, for another audience, expired, or unsigned', async () => {
    for (const token of [
      await sign({}, { issuer: 'https://evil.example.com' }),
      await sign({}, { audience: 'other' }),
      await sign({}, { expiresIn: '-5m' }),
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'not-a-jwt',
    ]) {
      assertError(await call('GET', '/api/auth/me', bearer(token)), 401, 'UNAUTHORIZED');
    }
  });

  it('local sign-in and user management are switched off', async () => {
    assertError(await call('POST', '/api/auth/sign-in', { body: { username: 'a', password: 'b' } }), 404, 'LOCAL_ACCOUNTS_DISABLED');
    assertError(await call('GET', '/api/users', bearer(await sign({ 'cognito:groups': 'Admin' }))), 404, 'LOCAL_ACCOUNTS_DISABLED');
    assert.deepEqual((await call('GET', '/api/auth/config')).body, { mode: 'oidc', issuer, clientId: 'console', csrfHeader: CSRF_HEADER });
  });
});

describe('configuration', () => {
  it('parses the OIDC settings, treating empty values as unset', () => {
    const c = OidcConfig.parse({ OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: '', OIDC_ROLE_MAP: 'admins=Admin, bi = AnalystReader' });
    assert.deepEqual(c, { OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: undefined, OIDC_ROLES_CLAIM: 'cognito:groups', OIDC_ROLE_MAP: { admins: 'Admin', bi: 'AnalystReader' } });
    assert.equal(oidcAuth(OidcConfig.parse({ OIDC_ISSUER: '' })), undefined);
    assert.throws(() => OidcConfig.parse({ OIDC_ROLE_MAP: 'admins=Boss' }), /admins=Boss/);
    assert.throws(() => OidcConfig.parse({ OIDC_ISSUER: 'not a url' }));
  });

  it('without any sign-in set up, public routes answer and the rest is 503 AUTH_NOT_CONFIGURED', async () => {
    const h = harness({ auth: { mode: 'unconfigured', reason: 'Sign-in is not set up.' } });
    try {
      assert.equal((await call('GET', '/api/health')).status, 200);
      assertError(await call('GET', '/api/apps'), 503, 'AUTH_NOT_CONFIGURED');
      assertError(await call('GET', '/api/apps', { headers: { authorization: 'Bearer x' } }), 503, 'AUTH_NOT_CONFIGURED');
    } finally {
      h.close();
    }
  });
});

// api.js: the platform's HTTP API (API.md) from the browser. The session lives in
// sessionStorage (ips.session) and goes out only as an Authorization header: never in a URL.

import { lang, t, addStrings } from './i18n.js';

const SESSION = 'ips.session';

addStrings({
  'zh-CN': { 'api.network': '无法连接平台，请检查网络后重试。您填写的内容已保存。', 'api.failed': '请求失败（{status}）' },
  en: { 'api.network': 'The platform could not be reached. Check your connection and try again; what you typed is kept.', 'api.failed': 'The request failed ({status})' },
});

// ApiError: a non-2xx answer. problem is its RFC 9457 body; problem.errors is always an array
// of {field, code, message}. status 0 means the platform could not be reached.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = { ...problem, status, errors: Array.isArray(problem?.errors) ? problem.errors : [] };
  }
}

// session → {token, role, subject, division, expires_at} or null. Expiry is the server's to
// judge (a 401 ends the session): the browser's clock need not be the platform's, which dev
// mode moves.
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION));
    if (!s?.token) return null;
    return s;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(SESSION);
  document.dispatchEvent(new CustomEvent('ips:session', { detail: null }));
}

// signInDev asks the local runner's dev mode for a token (POST /dev/token) and keeps it.
export async function signInDev(role, subject, division) {
  const body = { role };
  if (subject) body.subject = subject;
  if (division) body.division = division;
  const { body: res } = await api('POST', '/dev/token', { body, anonymous: true });
  return keepSession(res, { role, subject, division });
}

// signInOIDC hands the code the OIDC provider sent back, with its PKCE verifier, to the
// platform (POST /v1/auth/token), which exchanges it at the provider and answers the token the
// API accepts; the session is kept as signInDev keeps it.
export async function signInOIDC(code, codeVerifier, redirectUri, nonce) {
  const { body: res } = await api('POST', '/v1/auth/token', { body: { code, code_verifier: codeVerifier, redirect_uri: redirectUri, nonce }, anonymous: true });
  return keepSession(res, {});
}

// keepSession stores a {token, expires_at, principal} answer as the session.
function keepSession(res, asked) {
  const s = { token: res.token, role: res.principal?.role || asked.role, subject: res.principal?.subject || asked.subject || '',
    division: res.principal?.division || asked.division || '', expires_at: res.expires_at };
  sessionStorage.setItem(SESSION, JSON.stringify(s));
  document.dispatchEvent(new CustomEvent('ips:session', { detail: s }));
  return s;
}

// authConfig → GET /v1/auth/config ({enabled, authorization_endpoint, client_id, scope}), or
// {enabled: false, problem} when the platform or its provider fails (problem: the RFC 9457
// answer, for the page to show), or {enabled: false} when there is no such route.
export async function authConfig() {
  try {
    const { body } = await api('GET', '/v1/auth/config', { anonymous: true });
    return body && body.enabled && body.authorization_endpoint ? body : { enabled: false };
  } catch (err) {
    return err instanceof ApiError && err.status !== 404 ? { enabled: false, problem: err.problem } : { enabled: false };
  }
}

export const newIdempotencyKey = () => crypto.randomUUID();

// api(method, path, opts) → {status, body, headers} for a 2xx answer; rejects with ApiError.
// opts: body (JSON, or a Blob/File sent as is), raw (a Blob/File/ArrayBuffer body sent as is;
// raw: true sends opts.body as is), contentType (for a raw body; default
// application/octet-stream), idempotencyKey, ifMatch, anonymous (send no token).
// A JSON answer is parsed; an empty one is null; anything else (a PDF) is a Blob.
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json;q=0.9, */*;q=0.1', 'Accept-Language': lang() };
  const s = opts.anonymous ? null : session();
  if (s) headers.Authorization = `Bearer ${s.token}`;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  let payload;
  const rawBody = opts.raw && opts.raw !== true ? opts.raw
    : (opts.raw === true || opts.body instanceof Blob || opts.body instanceof ArrayBuffer) ? opts.body : undefined;
  if (rawBody !== undefined) {
    payload = rawBody;
    headers['Content-Type'] = opts.contentType || rawBody.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { title: t('api.network'), detail: String(e?.message || e) });
  }
  const type = res.headers.get('Content-Type') || '';
  let body = null;
  if (res.status !== 204) {
    if (/json/.test(type)) body = await res.json().catch(() => null);
    else if (res.ok) {
      const blob = await res.blob();
      body = blob.size ? blob : null;
    }
  }
  if (res.ok) return { status: res.status, body, headers: res.headers };
  if (res.status === 401 && !opts.anonymous) {
    // The page's draft stays in localStorage; the layout offers to sign in again.
    sessionStorage.removeItem(SESSION);
    document.dispatchEvent(new CustomEvent('ips:signin-required', { detail: { path: location.pathname + location.search } }));
  }
  throw new ApiError(res.status, body && typeof body === 'object' ? body : { title: t('api.failed', { status: res.status }) });
}

// Extensions: dev mode and the platform's clock.
let clockProbe;
function probeClock() {
  clockProbe ||= fetch('/dev/clock', { headers: { Accept: 'application/json' }, cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .then((c) => (c && c.now ? c : null))
    .catch(() => null);
  return clockProbe;
}

// devMode → true on the local runner (GET /dev/clock answers), false in a deployment.
export const devMode = async () => (await probeClock()) !== null;

// platformNow → the platform's clock in dev mode (it may be set, PUT /dev/clock), else the
// browser's. Read once per page.
export async function platformNow() {
  const c = await probeClock();
  return c ? new Date(c.now) : new Date();
}

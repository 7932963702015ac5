// Secrets in configs are not stored: a setting whose name says it holds a password, key or
// token, or whose value carries credentials, is kept with its name and a NULL value, so the
// database (which users copy into tickets and postmortems) never holds them.

/** Names that hold credentials: DB_PASSWORD, APP_SECRET, API_KEY, Authorization, X-Auth-Token ... */
const SECRET_NAME = /pass(word|wd|phrase)?|secret|(^|[^a-z])(key|pw)([^a-z]|$)|apikey|privkey|token|auth|credential|salt|signature|dsn/i;

/** Request/response headers that carry credentials or a session (cookies are not secret as php.ini names) */
const SECRET_HEADER = /^(cookie|set-cookie|authorization|proxy-authorization)$/i;

/** Values that carry credentials whatever their name: Basic/Bearer headers, user:password@ in URLs. */
const SECRET_VALUE = [
  /\b(basic|bearer|digest)\s+[A-Za-z0-9+/=._~-]{8,}/i,
  /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i,
];

export const SECRET_NOTE = 'secret: not stored';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function isSecretValue(value: string): boolean {
  return SECRET_VALUE.some((re) => re.test(value));
}

/** The value to store for a header (proxy_set_header, RequestHeader): by its name or its value. */
export function redactHeader(header: string, value: string | null): { value: string | null; note: string | null } {
  if (value !== null && SECRET_HEADER.test(header)) return { value: null, note: SECRET_NOTE };
  return redact(header, value);
}

/** The value to store for a key/value pair, and the note that goes with it. */
export function redact(key: string, value: string | null): { value: string | null; note: string | null } {
  if (value !== null && (isSecretName(key) || isSecretValue(value))) return { value: null, note: SECRET_NOTE };
  return { value, note: null };
}

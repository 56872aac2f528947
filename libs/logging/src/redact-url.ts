const SECRET_QUERY = /([?&](?:token|access_token|id_token|code|client_secret)=)[^&#]*/gi;

/** Keeps tokens passed in a query string (e.g. `/docs?token=`) out of request logs. */
export function redactUrl(url: string): string {
  return url.includes('=') ? url.replace(SECRET_QUERY, '$1[REDACTED]') : url;
}

/** The document's global tags: every operation's tag is one of these, with what it groups. */
export const API_TAGS: Record<string, string> = {
  user: 'The caller’s account and what their tier allows',
  flags: 'Feature flags: evaluation for any caller, management for admins',
  upload: 'File uploads (signed in or anonymous) and their processing status',
  billing: 'Paddle Billing webhooks (signed by Paddle, not called by users)',
  health: 'Liveness, readiness and dependency health of the edge',
  docs: 'This document and its Swagger UI (admin)',
};

/** `tags` of a document whose operations use `used`, in the order above (an unknown tag fails the build). */
export function documentTags(used: Iterable<string>): Array<{ name: string; description: string }> {
  const names = new Set(used);
  for (const name of names) if (!API_TAGS[name]) throw new Error(`Tag '${name}' is not declared in libs/openapi API_TAGS`);
  return Object.entries(API_TAGS)
    .filter(([name]) => names.has(name))
    .map(([name, description]) => ({ name, description }));
}

// busboy's own Content-Type parser (the one its constructor calls); busboy ships no types.
declare module 'busboy/lib/utils.js' {
  export function parseContentType(value: string): { type: string; subtype: string; params: Record<string, string> } | undefined;
}

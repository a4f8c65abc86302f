// Everything a page shows comes from the dump (process, module, symbol names, ring strings): every
// string goes through `esc` before it reaches markup, text or attribute (always double-quoted), SVG
// included; data for the page's script goes through `scriptJson`, which cannot close its element.

const ENTITIES: { [c: string]: string } = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string | number | undefined): string {
  return String(text === undefined ? '' : text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON for a `<script type="application/json">` element: `<` as \u003c, so no `</script>` or `<!--`
 * can appear, and U+2028/U+2029 escaped (HTML spec, "Restrictions for contents of script elements").
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** At most `max` characters, an ellipsis when cut (the full text goes in a title or the details). */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
}

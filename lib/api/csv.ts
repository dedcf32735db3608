/**
 * A CSV download (SPEC §10): `text/csv; charset=utf-8` as an attachment. The
 * plain `filename` is ASCII-safe (quotes, slashes and control characters
 * become `_`); a name with other characters also gets RFC 6266's UTF-8
 * `filename*` so browsers save it as written.
 */
export function csvResponse(file: { filename: string; body: string }): Response {
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\/:*?<>|]/g, "_");
  let disposition = `attachment; filename="${ascii}"`;
  const safe = file.filename.replace(/["\\/:*?<>|\x00-\x1f\x7f]/g, "_");
  if (safe !== ascii) disposition += `; filename*=UTF-8''${rfc5987(safe)}`;
  return new Response(file.body, {
    status: 200,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": disposition, "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
}

/** encodeURIComponent leaves ' ( ) * alone, which RFC 5987 values may not hold. */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

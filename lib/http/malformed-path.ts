// Next decodes the segments of a dynamic route and answers a malformed percent-encoding ("/invite/%",
// "/reset-password/%E0%A4%A") with a bare HTTP 500. The proxy sends such paths to the not-found page.

/** True when a segment of the raw (still encoded) path is not valid percent-encoded UTF-8. */
export function hasMalformedEncoding(pathname: string): boolean {
  return pathname.split("/").some((segment) => {
    try {
      decodeURIComponent(segment);
      return false;
    } catch {
      return true;
    }
  });
}

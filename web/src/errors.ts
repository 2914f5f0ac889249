// Turns a failed request into text for people, in the page's language. The server's
// English (Error.message) is never shown: the rule that refused comes from its reason code
// and params (words.ts); a reason this page does not know yet reads as its error code,
// with the field it names.
import { RequestError } from "./protocol/connection";
import { t } from "./i18n";
import { codeText, reasonText } from "./words";

export function describe(err: unknown): string {
  if (err instanceof RequestError) {
    if (err.code === "UNAVAILABLE" && (err.message === "offline" || err.message === "timeout")) return t("error.offline");
    return reasonText(err.reason, err.params) || codeText(err.code, err.field);
  }
  // Not the server's answer: a fault in the page or the browser (IndexedDB, a worker).
  return t("error.page");
}

// Turns a failed request into text for people, and shows field errors beside their field.
import { RequestError } from "./protocol/connection";
import { MessageKey, t } from "./i18n";

export function describe(err: unknown): string {
  if (err instanceof RequestError) {
    if (err.code === "UNAVAILABLE" && (err.message === "offline" || err.message === "timeout")) return t("error.offline");
    // The rule that refused, in the page's language, when the page knows it.
    const ruleKey = `reason.${err.reason}` as MessageKey;
    if (err.reason && t(ruleKey) !== ruleKey) return t(ruleKey, err.params);
    const key = `error.${err.code}` as MessageKey;
    // Other rule errors carry the server's English text, which names the rule.
    if (err.code === "INVALID_ARGUMENT" || err.code === "FAILED_PRECONDITION" || err.code === "CONFLICT") {
      return t("error.generic", { message: err.message });
    }
    const text = t(key);
    return text === key ? t("error.generic", { message: err.message }) : text;
  }
  return t("error.generic", { message: String(err) });
}

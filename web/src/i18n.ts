// All text of the page comes from messages/<lang>.json. Placeholders are written {name}.
import da from "./messages/da.json";
import en from "./messages/en.json";

export type Lang = "en" | "da";
export type MessageKey = keyof typeof en;

const catalogues: Record<Lang, Record<string, string>> = { en, da };
let current: Lang = "en";

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem("gadehold.lang", lang);
  } catch {
    /* private mode: the choice lasts until reload */
  }
}

export function lang(): Lang {
  return current;
}

export function initialLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem("gadehold.lang");
  } catch {
    saved = null;
  }
  if (saved === "en" || saved === "da") return saved;
  return navigator.language.toLowerCase().startsWith("da") ? "da" : "en";
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogues[current][key] ?? catalogues.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

// Dates and times in the viewer's time zone, in the page's language.
export function locale(): string {
  return current === "da" ? "da-DK" : "en-GB";
}

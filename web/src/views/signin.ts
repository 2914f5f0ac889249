// Sign in with an invite code. The device token from the Welcome goes to IndexedDB; the
// code and the token are never shown again or written anywhere else.
import { RequestError } from "../protocol/connection";
import { Ctx, View } from "../context";
import { h } from "../dom";
import { describe } from "../errors";
import { t } from "../i18n";
import { saveToken } from "../tokens";

interface Options {
  message: string;
  busy: boolean;
  langSelect: HTMLElement;
  onSignedIn(): void;
}

function field(id: string, label: string, input: HTMLInputElement, hint = ""): HTMLElement {
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-error${hint ? ` ${id}-hint` : ""}`);
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    input,
    h("p", { class: "field-error", id: `${id}-error`, testid: `error-${id.replace("-", "_")}`, role: "alert" }));
}

export function signinView(ctx: Ctx, options: Options): View {
  const code = h("input", { testid: "invite-code", name: "invite_code", autocomplete: "one-time-code", required: true,
    autocapitalize: "characters", spellcheck: "false" });
  const handle = h("input", { testid: "handle", name: "handle", required: true, minlength: "2", maxlength: "32",
    autocomplete: "nickname", spellcheck: "false" });
  const device = h("input", { testid: "device-name", name: "device_name", maxlength: "64", value: t("signin.device.default") });
  const submit = h("button", { type: "submit", testid: "redeem-submit" }, options.busy ? t("signin.busy") : t("signin.submit"));
  const error = h("p", { class: "form-error", testid: "signin-error", role: "alert" }, options.message);
  const form = h("form", { class: "signin", novalidate: true },
    field("invite-code", t("signin.code"), code),
    field("handle", t("signin.handle"), handle, t("signin.intro")),
    field("device-name", t("signin.device"), device),
    submit, error);
  if (options.busy) for (const el of [code, handle, device, submit]) el.disabled = true;

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    for (const p of form.querySelectorAll<HTMLElement>(".field-error")) p.textContent = "";
    error.textContent = "";
    if (!code.value.trim()) {
      form.querySelector<HTMLElement>('[data-testid="error-invite_code"]')!.textContent = t("shifts.form.required");
      code.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t("signin.busy");
    ctx.conn.start({ redeemInvite: { inviteCode: code.value.trim(), handle: handle.value.trim(), deviceName: device.value.trim() } })
      .then(async (welcome) => {
        const token = welcome.deviceToken ?? "";
        welcome.deviceToken = "";
        await saveToken(token);
        ctx.conn.resumeWith({ hello: { protocolVersion: 1, deviceToken: token } });
        code.value = "";
        options.onSignedIn();
      })
      .catch((err: unknown) => {
        submit.disabled = false;
        submit.textContent = t("signin.submit");
        const fieldName = err instanceof RequestError ? err.field : "";
        const target = fieldName ? form.querySelector<HTMLElement>(`[data-testid="error-${fieldName}"]`) : null;
        if (target) {
          target.textContent = describe(err);
          form.querySelector<HTMLInputElement>(`[name="${fieldName}"]`)?.focus();
        } else {
          error.textContent = describe(err);
        }
      });
  });

  const el = h("div", { class: "signin-view", testid: "view-signin" },
    h("header", { class: "topbar" }, h("span", { class: "brand" }, t("app.title")), h("div", { class: "tools" }, options.langSelect)),
    h("main", { id: "main" }, h("h1", { id: "signin-h" }, t("signin.heading")), form));
  return { el, dispose() {} };
}

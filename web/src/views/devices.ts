// This user's devices: when each was added and last seen, and revoke for the others.
// Signing out (in the header) revokes this one. Every role also turns notifications on or
// off here, away from the header's Sign out.
import { Ctx, View } from "../context";
import { clear, h } from "../dom";
import { describe } from "../errors";
import { dateTime } from "../format";
import { t } from "../i18n";
import { num, pb } from "../proto";
import { notificationsPanel } from "./notifications";

export function devicesView(ctx: Ctx): View {
  const { conn } = ctx;
  const list = h("ul", { class: "devices" });
  const status = h("p", { class: "form-error", role: "alert" });

  function row(device: pb.IDevice): HTMLElement {
    const id = device.deviceId ?? "";
    const revoke = h("button", { type: "button", class: "secondary", testid: "device-revoke" }, t("devices.revoke"));
    revoke.addEventListener("click", () => {
      revoke.disabled = true;
      conn.call({ revokeDevice: { deviceId: id } }, "ack")
        .then(() => { ctx.toast(t("devices.revokedToast")); void load(); })
        .catch((err: unknown) => { revoke.disabled = false; status.textContent = describe(err); });
    });
    return h("li", { class: "device", testid: "device", "data-device-id": id, "data-current": String(!!device.current) },
      h("strong", null, device.name || id),
      device.current ? h("span", { class: "tag" }, t("devices.current")) : null,
      device.revoked ? h("span", { class: "tag muted" }, t("devices.revoked")) : null,
      h("span", { class: "meta" }, t("devices.created", { when: dateTime(num(device.createdAtMs)) })),
      num(device.lastSeenMs) > 0 ? h("span", { class: "meta" }, t("devices.seen", { when: dateTime(num(device.lastSeenMs)) })) : null,
      !device.current && !device.revoked ? revoke : null);
  }

  async function load(): Promise<void> {
    status.textContent = "";
    try {
      const result = await conn.call({ listDevices: {} }, "deviceList");
      clear(list);
      for (const device of result.devices ?? []) list.append(row(device));
    } catch (err) {
      status.textContent = describe(err);
    }
  }

  const el = h("section", { class: "view", testid: "view-devices", "aria-labelledby": "devices-h" },
    h("h1", { id: "devices-h" }, t("devices.heading")),
    notificationsPanel(ctx),
    h("p", { class: "hint" }, t("devices.signoutHint")),
    status, list);
  void load();
  return { el, dispose() {} };
}

// The phone's position, asked once per check-in (never watched): the server turns it into a
// coarse cell on arrival and forgets the numbers. No position is no reason not to send.
export interface Position {
  lat: number;
  lon: number;
}

const TIMEOUT_MS = 10_000;

export function positionOnce(timeoutMs = TIMEOUT_MS): Promise<Position | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve(null);
      return;
    }
    // The browser's own timeout does not cover the permission prompt: this one does.
    const timer = window.setTimeout(() => resolve(null), timeoutMs + 500);
    try {
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          window.clearTimeout(timer);
          const { latitude, longitude } = pos.coords;
          resolve(Number.isFinite(latitude) && Number.isFinite(longitude) ? { lat: latitude, lon: longitude } : null);
        },
        () => {
          window.clearTimeout(timer);
          resolve(null);
        },
        { enableHighAccuracy: false, maximumAge: 60_000, timeout: timeoutMs },
      );
    } catch {
      window.clearTimeout(timer);
      resolve(null);
    }
  });
}

// Whether the page may read the position without asking: then the SOS can take it while
// the button is held, and a permission prompt never comes between a volunteer and help.
export async function positionAllowed(): Promise<boolean> {
  try {
    const status = await navigator.permissions?.query({ name: "geolocation" as PermissionName });
    return status?.state === "granted";
  } catch {
    return false;
  }
}

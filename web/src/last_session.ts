// What the page knew at the last Welcome (who is signed in, their teams and the areas),
// kept so that a page opened with no network can show the volunteer's views and take
// check-ins into the outbox before the server answers. No token: that stays in IndexedDB
// (tokens.ts). Deleted on sign-out.
import { pb } from "./proto";

const KEY = "gadehold.session";

export interface LastSession {
  welcome: pb.IWelcome;
  teams: pb.ITeam[];
  areas: pb.IArea[];
}

export function saveLastSession(welcome: pb.IWelcome, teams: pb.ITeam[], areas: pb.IArea[]): void {
  const plain: LastSession = JSON.parse(JSON.stringify({
    welcome: { volunteerId: welcome.volunteerId, deviceId: welcome.deviceId, handle: welcome.handle, role: welcome.role,
      teamIds: welcome.teamIds },
    teams, areas,
  })) as LastSession;
  try {
    localStorage.setItem(KEY, JSON.stringify(plain));
  } catch {
    /* private mode or full: the next offline start shows the sign-in wait instead */
  }
}

export function loadLastSession(): LastSession | null {
  try {
    const text = localStorage.getItem(KEY);
    if (!text) return null;
    const value = JSON.parse(text) as Partial<LastSession>;
    if (!value.welcome?.volunteerId || !Array.isArray(value.teams) || !Array.isArray(value.areas)) return null;
    return value as LastSession;
  } catch {
    return null;
  }
}

export function forgetLastSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* nothing kept */
  }
}

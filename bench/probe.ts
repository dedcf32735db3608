import { phoneAgent, request } from "./http";
import type { PagePlan } from "./load";
import type { Step } from "./page-plan";
import { phoneJar, visit } from "./phone";
import { STATS_PATH, type ServerStats } from "./server-stats";

export type PageLoadCost = {
  loads: number;
  /** Server CPU per page load: the page and every file of the plan (page assets, the browser's own fetches, lazy assets). */
  cpuMsPerLoad: number;
  /** On the wire, per page load. */
  bytesIn: number;
  bytesOut: number;
  requests: number;
  errors: Record<string, number>;
};

export const PROBE_IN_FLIGHT = 8;

/** The static part of a visit: every file, none of the check-in, socket or messages. */
export function pageLoadSteps(steps: Step[]): Step[] {
  return steps.filter((s) => s.kind === "fetch" && !s.checkin).map((s) => ({ ...s, blocking: true }));
}

/**
 * Server CPU and bytes of N page loads, a few at a time so no queue forms:
 * like bench/costs.ts, a figure that barely moves with the machine's load.
 * `warm`: phones that loaded the page before (cached files, revalidations).
 */
export async function probePageLoads(o: { url: string; page: PagePlan; sessionToken: string; qrToken: string; sessionId: string; loads: number; warm: boolean }): Promise<PageLoadCost> {
  const agent = phoneAgent();
  const steps = pageLoadSteps(o.warm ? o.page.warm : o.page.cold);
  const errors: Record<string, number> = {};
  let bytesIn = 0;
  let bytesOut = 0;
  let requests = 0;
  try {
    await request(`${o.url}${STATS_PATH}?reset=1`);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PROBE_IN_FLIGHT, o.loads) }, async () => {
        while (next++ < o.loads) {
          const r = await visit({
            url: o.url,
            agent,
            steps,
            jar: phoneJar(o.page.plan, o.sessionToken, o.warm),
            token: o.qrToken,
            rescan: () => o.qrToken,
            sessionId: o.sessionId,
            doubleTap: false,
            log: { send: () => ({ settle: (_reply, error) => error, rescanned: () => {} }) },
            onSocket: () => {},
          });
          bytesIn += r.bytesIn;
          bytesOut += r.bytesOut;
          requests += r.requests;
          for (const e of r.errors) errors[e] = (errors[e] ?? 0) + 1;
        }
      }),
    );
    const s = (await request(`${o.url}${STATS_PATH}`)).json as ServerStats;
    return { loads: o.loads, cpuMsPerLoad: (s.cpuUserMs + s.cpuSystemMs) / o.loads, bytesIn: bytesIn / o.loads, bytesOut: bytesOut / o.loads, requests: requests / o.loads, errors };
  } finally {
    agent.destroy();
  }
}

// One delivery run at a time per process (lib/mail/send.ts): a request that queues mail while a run is
// under way asks for one more run, and must get it even when the run under way fails.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { deliverPendingMail } from "@/lib/mail/send";
import { deliverOutbox } from "@/lib/mail/outbox";

vi.mock("@/lib/mail/outbox", () => ({ deliverOutbox: vi.fn(), queueMail: vi.fn() }));
vi.mock("@/lib/log", () => ({ log: { info: vi.fn(), warn: vi.fn(), error: vi.fn(async () => {}) } }));

const delivered = { sent: 1, retrying: 0, failed: 0 };
const run = vi.mocked(deliverOutbox);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

beforeEach(() => run.mockReset());

describe("delivery runs", () => {
  it("a request that queued mail during a run gets one more run", async () => {
    run.mockImplementationOnce(async () => {
      await tick();
      void deliverPendingMail(); // a request queued a message meanwhile
      return delivered;
    });
    run.mockResolvedValue(delivered);
    await deliverPendingMail();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("and gets it when the run under way fails (the database went away for a moment)", async () => {
    run.mockImplementationOnce(async () => {
      await tick();
      void deliverPendingMail();
      throw new Error("Connection terminated unexpectedly");
    });
    run.mockResolvedValue(delivered);
    await deliverPendingMail();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("a failed run with nothing queued meanwhile ends, and the next request starts a new one", async () => {
    run.mockRejectedValueOnce(new Error("Connection terminated unexpectedly"));
    await deliverPendingMail();
    expect(run).toHaveBeenCalledTimes(1);
    run.mockResolvedValue(delivered);
    await deliverPendingMail();
    expect(run).toHaveBeenCalledTimes(2);
  });
});

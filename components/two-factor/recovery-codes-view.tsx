"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "./copy-button";

/** The codes, shown once: copy, download (.txt), print, and a confirmation before the dialog can close. */
export function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const text = `Twofold recovery codes (each works once)\n\n${codes.join("\n")}\n`;

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: "twofold-recovery-codes.txt" });
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="flex flex-col gap-4">
      <ol
        data-testid="recovery-codes"
        className="print-area grid grid-cols-2 gap-2 rounded-md bg-slate-100 p-4 font-mono text-sm"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton text={text} label="Copy all" />
        <Button type="button" variant="secondary" onClick={download}>
          Download .txt
        </Button>
        <Button type="button" variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="h-4 w-4" />I have
        saved these codes
      </label>
      <Button type="button" disabled={!saved} onClick={onDone} className="self-end">
        Done
      </Button>
    </div>
  );
}

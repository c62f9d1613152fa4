"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <>
      <Button
        type="button"
        variant="secondary"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {label}
      </Button>
      <span role="status" className="text-sm text-slate-600">
        {copied === true ? "Copied" : copied === false ? "Copy failed; select the text instead" : ""}
      </span>
    </>
  );
}

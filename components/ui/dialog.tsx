"use client";
import dynamic from "next/dynamic";
import { useState } from "react";
import type { RadixDialog } from "./radix-dialog";

// Radix's dialog (focus trap, portal, scroll lock) is fetched the first time a dialog opens, so pages
// whose dialogs stay closed do not load it.
const Lazy = dynamic(() => import("./radix-dialog").then((m) => m.RadixDialog), { ssr: false });

/** A real modal (Radix): focus is trapped, Escape closes, title and description are announced. */
export function Dialog(props: React.ComponentProps<typeof RadixDialog>) {
  const [opened, setOpened] = useState(props.open);
  if (props.open && !opened) setOpened(true); // once loaded it stays mounted: Radix returns focus on close
  return opened ? <Lazy {...props} /> : null;
}

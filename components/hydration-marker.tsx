"use client";
import { useEffect } from "react";

/** Marks the document once React has hydrated it; the browser tests wait for it before clicking. */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}

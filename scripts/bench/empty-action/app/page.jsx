import { emptyAction } from "./actions";

export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <form action={emptyAction}>
      <button type="submit">Empty action</button>
    </form>
  );
}

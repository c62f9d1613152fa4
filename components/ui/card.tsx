export function Card({
  title,
  description,
  children,
}: {
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <section aria-labelledby={slug(title)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id={slug(title)} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <div className="mt-1 text-sm text-slate-600">{description}</div>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

const slug = (text: string) => `card-${text.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

import { EvaluateButton } from './evaluate-button';

// Static: it calls nothing itself; the button's server action runs per click.
export default function HomePage() {
  return (
    <main>
      <h1>Rule engine</h1>
      <EvaluateButton />
    </main>
  );
}

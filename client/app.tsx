// Root view of the app.
export function App() {
  return (
    <main>
      <h1>Mail</h1>
    </main>
  );
}

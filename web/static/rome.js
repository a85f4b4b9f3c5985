// The ROME job picker (docs/rome.md) on the offer form: without JavaScript the form has its plain code field;
// with it, a search field offers the referential's job titles in a native list (datalist, read by screen
// readers), and picking one fills the offer's title (when empty or filled by a previous pick) and its ROME code.
// A file rather than an inline script: the Content-Security-Policy allows scripts from the site only.
for (const search of document.querySelectorAll('[data-rome-search]')) {
  const list = document.getElementById(search.getAttribute('list'));
  const code = document.getElementById(search.dataset.code);
  const title = document.getElementById(search.dataset.title);
  const status = document.getElementById(search.dataset.status);
  let offered = new Map();
  let asked = 0;

  const pick = () => {
    const job = offered.get(search.value);
    if (!job) return false;
    code.value = job.rome_code;
    if (!title.value.trim() || title.value === title.dataset.picked) {
      title.value = job.label;
      title.dataset.picked = job.label;
    }
    status.textContent = `Métier retenu : ${job.label}, code ROME ${job.rome_code} (${job.rome_label}).`;
    return true;
  };

  search.addEventListener('input', async () => {
    if (pick()) return;
    const words = search.value.trim();
    const mine = ++asked;
    if (words.length < 2) {
      list.replaceChildren();
      status.textContent = '';
      return;
    }
    const response = await fetch(`/api/v1/rome/appellations?q=${encodeURIComponent(words)}&limit=20`);
    if (!response.ok || mine !== asked) return;
    const { items } = await response.json();
    offered = new Map(items.map((job) => [`${job.label} (${job.rome_code})`, job]));
    list.replaceChildren(
      ...[...offered.keys()].map((value) => Object.assign(document.createElement('option'), { value })),
    );
    status.textContent = items.length
      ? `${items.length} métier${items.length > 1 ? 's' : ''} proposé${items.length > 1 ? 's' : ''} : choisissez dans la liste.`
      : 'Aucun métier du référentiel ne correspond.';
  });
  search.closest('[data-rome-picker]').hidden = false;
}

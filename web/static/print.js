// « Imprimer / enregistrer en PDF » on the simulator page: opens the browser's print dialog, where saving as
// PDF is one of the destinations; the print stylesheet (passerelle.css, @media print) keeps the results alone.
// A file rather than an inline script: the Content-Security-Policy allows scripts from the site only.
for (const button of document.querySelectorAll('[data-passerelle-print]')) {
  button.addEventListener('click', () => window.print());
  button.hidden = false;
}

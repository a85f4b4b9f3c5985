// The neutral theme's behaviours (docs/themes.md), for the markup the templates share with the DSFR theme: a
// button with `aria-controls` folds or unfolds its `.fr-collapse` (sub-menus, breadcrumb, accordions) and opens or
// closes its `.fr-modal` (the header's menu on narrow screens), as the DSFR's script does in the other theme.

const root = document.documentElement;
const navButtons = () => document.querySelectorAll('.fr-nav__btn[aria-expanded="true"]');

function fold(button, expanded) {
  const target = document.getElementById(button.getAttribute('aria-controls'));
  button.setAttribute('aria-expanded', String(expanded));
  target?.classList.toggle('fr-collapse--expanded', expanded);
}

/** The header's menu as a dialog: opened by « Menu », closed by « Fermer », Escape or a link followed. */
function openModal(modal, opener) {
  modal.classList.add('fr-modal--opened');
  modal.setAttribute('role', 'dialog');
  modal.setAttribute('aria-modal', 'true');
  modal.setAttribute('aria-labelledby', opener.id);
  opener.setAttribute('aria-expanded', 'true');
  modal.querySelector('.fr-btn--close')?.focus();
}

function closeModal(modal) {
  if (!modal.classList.contains('fr-modal--opened')) return;
  modal.classList.remove('fr-modal--opened');
  // Named only while it is a dialog: ARIA forbids naming a plain division.
  for (const attribute of ['role', 'aria-modal', 'aria-labelledby']) modal.removeAttribute(attribute);
  const opener = document.querySelector(`.fr-btn--menu[aria-controls="${modal.id}"]`);
  opener?.setAttribute('aria-expanded', 'false');
  opener?.focus();
}

// The account's links go into the menu too, where narrow screens show them.
const tools = document.querySelector('.fr-header__tools-links');
const menuLinks = document.querySelector('.fr-header__menu-links');
if (tools && menuLinks) menuLinks.append(...[...tools.children].map((child) => child.cloneNode(true)));
document.querySelectorAll('.fr-btn--menu').forEach((button) => button.setAttribute('aria-expanded', 'false'));
document.querySelectorAll('.fr-modal').forEach((modal) => modal.removeAttribute('aria-labelledby'));

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[aria-controls]');
  const target = button && document.getElementById(button.getAttribute('aria-controls'));
  if (target?.classList.contains('fr-modal')) {
    if (button.classList.contains('fr-btn--close')) closeModal(target);
    else openModal(target, button);
    return;
  }
  if (target?.classList.contains('fr-collapse')) {
    const expanded = button.getAttribute('aria-expanded') !== 'true';
    // One sub-menu of the main menu open at a time.
    if (button.classList.contains('fr-nav__btn')) navButtons().forEach((other) => fold(other, false));
    fold(button, expanded);
    return;
  }
  // A click elsewhere folds the open sub-menu.
  if (!event.target.closest('.fr-menu')) navButtons().forEach((other) => fold(other, false));
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const open = navButtons();
  if (open.length > 0) {
    open.forEach((button) => fold(button, false));
    open[0].focus();
    return;
  }
  document.querySelectorAll('.fr-modal--opened').forEach(closeModal);
});

root.setAttribute('data-passerelle-js', '');

// app.js - progressive enhancement.  Every page works without it: forms post, links link.
//
// It starts the NHS.UK frontend components (header menu, error summary focus, conditional
// radios and so on).  The frontend is an ES module; the layout names its URL, which carries a
// content hash, in this script's data-nhsuk-frontend attribute, because pages allow no inline
// script to do it.  The nhsuk-frontend-supported class on <body> is what the frontend's CSS
// and JavaScript check before enhancing anything, so it is set only once the module has loaded.
const tag = document.querySelector('script[data-nhsuk-frontend]');

if (tag && tag.dataset.nhsukFrontend) {
	import(tag.dataset.nhsukFrontend).then((frontend) => {
		document.body.classList.add('nhsuk-frontend-supported');
		frontend.initAll();
	});
}

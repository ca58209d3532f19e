// The demo shop's own code: a tiny single-page router plus buttons that call the SDK.
/* global document, location, history, window, clickstream -- a plain browser script, loaded after the SDK snippet */
(function () {
  var title = document.getElementById('title');
  function render() {
    title.textContent = location.pathname.replace(/\/$/, '').endsWith('/cart') ? 'Cart' : 'Home';
  }
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a[data-spa]');
    if (!link) return;
    e.preventDefault();
    history.pushState({}, '', link.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  render();
  function on(id, fn) {
    document.getElementById(id).addEventListener('click', fn);
  }
  on('add', function () {
    clickstream.record({
      name: 'add_to_cart',
      attributes: { product_id: 'sku-123', _currency: 'EUR', _value: 79.9 },
      items: [{ id: 'sku-123', name: 'Running shoe', category: 'shoes', price: 79.9, quantity: 1, currency: 'EUR' }],
    });
  });
  on('login', function () { clickstream.setUserId('demo-user'); clickstream.setUserAttributes({ plan: 'gold' }); });
  on('logout', function () { clickstream.setUserId(null); });
  on('flush', function () { clickstream.flush(); });
  on('optout', function () { clickstream.optOut(); });
  on('optin', function () { clickstream.optIn(); });
})();

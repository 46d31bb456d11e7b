/** Chromium comes from Debian (apt-get install chromium), never from puppeteer's own download. */
module.exports = { skipDownload: true };

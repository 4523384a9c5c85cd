package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// maxCounted is where GitLab stops counting: past 10,000 results it omits X-Total,
// X-Total-Pages and the rel="last" link, and keeps X-Next-Page (doc/api/rest/index.md,
// "Other pagination headers"; Gitlab::Pagination::OffsetHeaderBuilder).
const maxCounted = 10_000

type pageWindow struct{ lo, hi int }

// paginate writes GitLab's offset paging headers and returns the slice bounds of the page.
func paginate(w http.ResponseWriter, r *http.Request, total int) (pageWindow, bool) {
	q := r.URL.Query()
	perPage, page := 20, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeGLError(w, http.StatusBadRequest, "400 Bad request - per_page is invalid")
			return pageWindow{}, false
		}
		perPage = min(n, 100)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeGLError(w, http.StatusBadRequest, "400 Bad request - page is invalid")
			return pageWindow{}, false
		}
		page = n
	}
	pages := max(1, (total+perPage-1)/perPage)
	counted := total <= maxCounted
	h := w.Header()
	if counted {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
	}
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(n int, rel string) string {
		u := *r.URL
		qq := u.Query()
		qq.Set("page", strconv.Itoa(n))
		qq.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf("<%s>; rel=%q", requestBase(r)+u.RequestURI(), rel)
	}
	var links []string
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(1, "first"))
	if counted {
		links = append(links, link(pages, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
	lo := total // a page past the last is empty (and page*perPage may not fit an int)
	if page <= pages {
		lo = min((page-1)*perPage, total)
	}
	return pageWindow{lo: lo, hi: min(lo+perPage, total)}, true
}

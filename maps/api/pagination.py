from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # Bounded lists: ?page_size=10**6 still returns at most this many rows.
    max_page_size = 200

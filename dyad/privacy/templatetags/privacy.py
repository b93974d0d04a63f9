from django import template

register = template.Library()


@register.filter
def is_record(value) -> bool:
    return isinstance(value, dict)


@register.filter
def is_list(value) -> bool:
    return isinstance(value, list | tuple)

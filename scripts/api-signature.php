<?php
/*
 * Prints the public API of the smtp extension in a canonical text form, one line per item, so that
 * two sources of it can be compared with diff (scripts/check-package.sh does this):
 *
 *   php -d extension=smtp scripts/api-signature.php           the loaded extension
 *   php -n scripts/api-signature.php stubs/smtp.php            a stub file (without the extension)
 *
 * Covers classes (modifiers, parent, interfaces, constants and their values, public properties,
 * public and protected methods declared by the class, the constructor whatever its visibility) and
 * functions, with parameter names, types, defaults, by-reference, variadic and attributes.
 */

declare(strict_types=1);

function type_str(?ReflectionType $t): string
{
    // since PHP 8.2 "iterable" is Traversable|array: written so in a stub, shown so by an extension
    $s = $t === null ? '' : (string) $t;
    return ['iterable' => 'Traversable|array', '?iterable' => 'Traversable|array|null'][$s] ?? $s;
}

function param_str(ReflectionParameter $p): string
{
    $s = '';
    foreach ($p->getAttributes() as $a) {
        $s .= '#[' . ltrim($a->getName(), '\\') . '] ';
    }
    $s .= type_str($p->getType());
    $s .= ($s === '' || str_ends_with($s, ' ') ? '' : ' ') . ($p->isPassedByReference() ? '&' : '')
        . ($p->isVariadic() ? '...' : '') . '$' . $p->getName();
    if ($p->isOptional() && !$p->isVariadic()) {
        $s .= ' = ' . ($p->isDefaultValueAvailable() ? default_str($p) : '?');
    }
    return $s;
}

function default_str(ReflectionParameter $p): string
{
    if ($p->isDefaultValueConstant()) {
        return (string) $p->getDefaultValueConstantName();
    }
    $value = $p->getDefaultValue();
    return is_array($value) ? json_encode($value) : var_export($value, true);
}

function function_str(ReflectionFunctionAbstract $f): string
{
    $params = array_map('param_str', $f->getParameters());
    $ret = $f->hasReturnType() ? ': ' . type_str($f->getReturnType()) : ($f->hasTentativeReturnType()
        ? ': ' . type_str($f->getTentativeReturnType()) : '');
    return $f->getName() . '(' . implode(', ', $params) . ')' . $ret;
}

/** @param list<string> $classes @param list<string> $functions */
function dump(array $classes, array $functions): void
{
    $lines = [];
    sort($functions, SORT_STRING);
    foreach ($functions as $name) {
        $lines[] = 'function ' . function_str(new ReflectionFunction($name));
    }
    sort($classes, SORT_STRING);
    foreach ($classes as $name) {
        $c = new ReflectionClass($name);
        $head = ($c->isFinal() ? 'final ' : '') . ($c->isAbstract() && !$c->isInterface() ? 'abstract ' : '')
            . ($c->isInterface() ? 'interface ' : ($c->isEnum() ? 'enum ' : 'class ')) . $c->getName();
        if ($parent = $c->getParentClass()) {
            $head .= ' extends ' . $parent->getName();
        }
        $ifaces = $c->getInterfaceNames();
        sort($ifaces, SORT_STRING);
        if ($ifaces) {
            $head .= ' implements ' . implode(', ', $ifaces);
        }
        $lines[] = $head;
        $consts = [];
        foreach ($c->getReflectionConstants() as $k) {
            if ($k->getDeclaringClass()->getName() === $c->getName() && $k->isPublic()) {
                $consts[] = "  const {$k->getName()} = " . var_export($k->getValue(), true);
            }
        }
        sort($consts, SORT_STRING);
        $props = [];
        foreach ($c->getProperties() as $p) {
            if ($p->getDeclaringClass()->getName() === $c->getName() && $p->isPublic()) {
                $props[] = '  ' . ($p->isStatic() ? 'static ' : '') . ($p->isReadOnly() ? 'readonly ' : '')
                    . type_str($p->getType()) . ' $' . $p->getName();
            }
        }
        sort($props, SORT_STRING);
        $methods = [];
        foreach ($c->getMethods() as $m) {
            if ($m->getDeclaringClass()->getName() !== $c->getName()) {
                continue;
            }
            if ($m->isPrivate() && !$m->isConstructor()) {
                continue;
            }
            $vis = $m->isPublic() ? 'public' : ($m->isProtected() ? 'protected' : 'private');
            $methods[] = "  $vis " . ($m->isStatic() ? 'static ' : '') . ($m->isFinal() ? 'final ' : '')
                . ($m->isAbstract() ? 'abstract ' : '') . 'function ' . function_str($m);
        }
        sort($methods, SORT_STRING);
        array_push($lines, ...$consts, ...$props, ...$methods);
    }
    echo implode("\n", $lines), "\n";
}

if (isset($argv[1])) {
    $classesBefore = get_declared_classes();
    $functionsBefore = get_defined_functions()['user'];
    require $argv[1];
    $classes = array_values(array_diff(get_declared_classes(), $classesBefore));
    $functions = array_values(array_diff(get_defined_functions()['user'], $functionsBefore));
    /* user functions come back lower-cased; the extension's keep their case */
    dump($classes, $functions);
} else {
    if (!extension_loaded('smtp')) {
        fwrite(STDERR, "api-signature.php: the smtp extension is not loaded and no stub file was given\n");
        exit(1);
    }
    $ext = new ReflectionExtension('smtp');
    dump($ext->getClassNames(), array_keys($ext->getFunctions()));
}

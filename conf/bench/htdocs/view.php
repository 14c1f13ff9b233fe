<!DOCTYPE html>
<html lang="es-CL"><head><meta charset="utf-8"><title>BENCH-STATIC-FILE</title></head>
<body>
<p>Línea 01 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 02 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 03 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 04 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 05 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 06 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 07 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 08 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 09 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 10 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 11 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
<p>Línea 12 de contenido estático del curso, del tamaño de un recurso pequeño.</p>
</body></html>
